import type { Attempt } from '../../../api/types';
import { Time } from '../../../components/feedback';

/** Each attempt: its result (HTTP status or error kind), duration and the response body, as text. */
export function AttemptTimeline({ attempts }: { attempts: Attempt[] }) {
  if (attempts.length === 0) return <p className="muted">No attempt yet: the first one is queued.</p>;
  return (
    <ol className="timeline" aria-label="Attempts">
      {attempts.map((a) => {
        const status = a.responseStatus ?? null;
        const ok = status !== null && status >= 200 && status < 300;
        const result = status !== null ? `HTTP ${status}` : (a.errorKind ?? 'error');
        return (
          <li key={a.attemptNumber} className={ok ? 'ok' : 'bad'} aria-label={`Attempt ${a.attemptNumber}: ${result}`}>
            <div>
              <strong>Attempt {a.attemptNumber}</strong> · <span>{result}</span> · {a.durationMs} ms · <Time value={a.startedAt} />
            </div>
            {a.errorMessage && <div className="muted">{a.errorMessage}</div>}
            {a.responseBody && (
              <pre className="text-block" aria-label={`Response body of attempt ${a.attemptNumber}`} tabIndex={0}>
                {a.responseBody}
              </pre>
            )}
          </li>
        );
      })}
    </ol>
  );
}
