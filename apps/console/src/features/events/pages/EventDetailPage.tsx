import { useState } from 'react';
import { Link } from '../../../app/router';
import { EmptyState, ErrorMessage, Loading, prettyJson, StatusBadge, TextBlock, Time } from '../../../components/feedback';
import { useEvent, useReplay } from '../hooks/useEvents';

export default function EventDetailPage({ id }: { id: string }) {
  const event = useEvent(id);
  const replay = useReplay(id);
  const [force, setForce] = useState(false);
  const [replayed, setReplayed] = useState<number | null>(null);
  const e = event.data;
  if (!e) {
    return (
      <section aria-labelledby="evd-h">
        <h1 id="evd-h">Event</h1>
        <ErrorMessage error={event.error} />
        {event.loading && <Loading what="the event" />}
        <Link to="/events">Back to events</Link>
      </section>
    );
  }
  return (
    <section aria-labelledby="evd-h">
      <p>
        <Link to="/events">Events</Link> /
      </p>
      <h1 id="evd-h">
        Event <span className="mono">{e.type}</span>
      </h1>
      <p>
        <span className="mono">{e.id}</span> · accepted <Time value={e.createdAt} />
        {e.idempotencyKey && (
          <>
            {' '}
            · idempotency key <span className="mono">{e.idempotencyKey}</span>
          </>
        )}
      </p>
      <section aria-labelledby="evp-h">
        <h2 id="evp-h">Data</h2>
        <TextBlock label="Event data" value={prettyJson(e.data)} />
      </section>
      <section aria-labelledby="evdl-h">
        <h2 id="evdl-h">Deliveries</h2>
        {e.deliveries.length === 0 ? (
          <EmptyState title="No deliveries">
            <p>
              No active endpoint was subscribed to <span className="mono">{e.type}</span> when it arrived. <Link to="/endpoints">Subscribe an endpoint</Link>, then replay it.
            </p>
          </EmptyState>
        ) : (
          <table aria-label="Deliveries of this event">
            <thead>
              <tr>
                <th scope="col">Delivery</th>
                <th scope="col">Endpoint</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
              </tr>
            </thead>
            <tbody>
              {e.deliveries.map((d) => (
                <tr key={d.id}>
                  <td>
                    <Link to={`/deliveries/${d.id}`} className="mono" aria-label={`Delivery ${d.id}`}>
                      {d.id.slice(0, 8)}…
                    </Link>
                  </td>
                  <td>
                    <Link to={`/endpoints/${d.endpointId}`} className="mono">
                      {d.endpointId.slice(0, 8)}…
                    </Link>
                  </td>
                  <td>
                    <StatusBadge status={d.status} />
                  </td>
                  <td>{d.attemptCount}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {e.moreDeliveries && (
          <p>
            More than 1,000 deliveries: <Link to={`/deliveries?eventId=${e.id}`}>page through all of them</Link>.
          </p>
        )}
      </section>
      <section aria-labelledby="rp-h">
        <h2 id="rp-h">Replay</h2>
        <label className="inline">
          <input type="checkbox" checked={force} onChange={(ev) => setForce(ev.target.checked)} /> Also send again where it succeeded
        </label>{' '}
        <button
          type="button"
          disabled={replay.pending}
          onClick={() =>
            void replay.run(force).then((r) => {
              if (r) {
                setReplayed(r.deliveries);
                event.reload();
              }
            })
          }
        >
          Replay event
        </button>
        <ErrorMessage error={replay.error} />
        {replayed !== null && <p role="status">Replayed: {replayed} deliveries pending again.</p>}
      </section>
    </section>
  );
}
