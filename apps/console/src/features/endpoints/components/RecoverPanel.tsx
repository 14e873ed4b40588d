import { useState, type FormEvent } from 'react';
import { ErrorMessage, Time } from '../../../components/feedback';
import { useRecovery } from '../hooks/useEndpoints';

/** "Recover since…": sends again what was not delivered since a time, with live progress. */
export function RecoverPanel({ endpointId }: { endpointId: string }) {
  const { current, error, start } = useRecovery(endpointId);
  const [since, setSince] = useState(() => toLocalInput(new Date(Date.now() - 60 * 60 * 1000)));

  function submit(e: FormEvent) {
    e.preventDefault();
    const d = new Date(since);
    if (Number.isNaN(d.getTime())) return;
    void start.run(d.toISOString());
  }

  return (
    <section aria-labelledby="recover-h">
      <h2 id="recover-h">Recover since…</h2>
      <p className="muted">Sends again, oldest first, the events since this time that this endpoint has not received.</p>
      <form onSubmit={submit} aria-label="Recover">
        <label htmlFor="recover-since">Recover since</label>
        <input id="recover-since" type="datetime-local" step={1} value={since} onChange={(e) => setSince(e.target.value)} required />
        <button type="submit" disabled={start.pending || current?.status === 'running'}>
          Start recovery
        </button>
      </form>
      <ErrorMessage error={start.error ?? error} />
      {current && (
        <div role="status" aria-label="Recovery progress" className="notice">
          <p>
            Recovery since <Time value={current.since} />: <strong>{current.status}</strong>
            {current.total !== null ? `, ${current.enqueued} of ${current.total} sent again` : `, ${current.enqueued} sent again`}
            {current.reason && ` (${current.reason})`}.
          </p>
          {current.total !== null && current.total > 0 && <progress max={current.total} value={current.enqueued} aria-label="Recovery progress bar" />}
        </div>
      )}
    </section>
  );
}

function toLocalInput(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
