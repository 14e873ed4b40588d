import { useState, type FormEvent } from 'react';
import { Link } from '../../../app/router';
import { EmptyState, ErrorMessage, Loading, Pager, Time, useCursorPages } from '../../../components/feedback';
import { useEventList } from '../hooks/useEvents';

export default function EventsPage() {
  const [type, setType] = useState('');
  const [applied, setApplied] = useState<string | undefined>(undefined);
  const pages = useCursorPages();
  const list = useEventList({ type: applied, cursor: pages.cursor });

  function submit(e: FormEvent) {
    e.preventDefault();
    setApplied(type.trim() || undefined);
    pages.reset();
  }

  return (
    <section aria-labelledby="ev-h">
      <h1 id="ev-h">Events</h1>
      <form onSubmit={submit} className="filters" aria-label="Filter events">
        <label>
          Event type
          <input value={type} onChange={(e) => setType(e.target.value)} placeholder="order.completed" />
        </label>
        <button type="submit">Apply filter</button>
      </form>
      <ErrorMessage error={list.error} />
      {list.loading && !list.data && <Loading what="events" />}
      {list.data && list.data.data.length === 0 && (
        <EmptyState title="No events yet">
          <p>
            Your services dispatch events with <code>POST /v1/events</code>; each one fans out to the subscribed endpoints. Try "Send a test event" on an <Link to="/endpoints">endpoint</Link>.
          </p>
        </EmptyState>
      )}
      {list.data && list.data.data.length > 0 && (
        <>
          <table aria-label="Events">
            <thead>
              <tr>
                <th scope="col">Type</th>
                <th scope="col">Event</th>
                <th scope="col">Idempotency key</th>
                <th scope="col">Accepted</th>
              </tr>
            </thead>
            <tbody>
              {list.data.data.map((e) => (
                <tr key={e.id}>
                  <td className="mono">{e.type}</td>
                  <td>
                    <Link to={`/events/${e.id}`} className="mono" aria-label={`Event ${e.id} of ${e.type}`}>
                      {e.id.slice(0, 8)}…
                    </Link>
                  </td>
                  <td className="mono">{e.idempotencyKey ?? '—'}</td>
                  <td>
                    <Time value={e.createdAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager what="events" hasPrev={pages.hasPrev} hasNext={list.data.nextCursor !== null} onPrev={pages.prev} onNext={() => pages.next(list.data!.nextCursor)} />
        </>
      )}
    </section>
  );
}
