import type { DeliveryWithAttempts, Endpoint } from '../../../api/types';
import { StatusBadge, Time } from '../../../components/feedback';
import { AttemptTimeline } from './AttemptTimeline';

export function DeliverySummary({ d }: { d: DeliveryWithAttempts }) {
  return (
    <dl className="facts">
      <dt>Status</dt>
      <dd>
        <StatusBadge status={d.status} />
      </dd>
      <dt>Event type</dt>
      <dd className="mono">{d.eventType}</dd>
      <dt>Attempts</dt>
      <dd>{d.attemptCount}</dd>
      <dt>Created</dt>
      <dd>
        <Time value={d.createdAt} />
      </dd>
      {d.nextAttemptAt && d.status === 'pending' && (
        <>
          <dt>Next attempt</dt>
          <dd>
            <Time value={d.nextAttemptAt} />
          </dd>
        </>
      )}
      {d.completedAt && (
        <>
          <dt>Finished</dt>
          <dd>
            <Time value={d.completedAt} />
          </dd>
        </>
      )}
      {d.lastError && (
        <>
          <dt>Last error</dt>
          <dd>{d.lastError}</dd>
        </>
      )}
    </dl>
  );
}

/** The headers this endpoint adds to every request; the signature itself is never shown. */
export function RequestHeaders({ endpoint }: { endpoint: Endpoint }) {
  const rows: Array<[string, string]> = [
    ['content-type', 'application/json'],
    ...Object.entries(endpoint.headers),
    [`signature (${endpoint.signature.scheme}${endpoint.signature.header ? `: ${endpoint.signature.header}` : ''})`, '… elided'],
  ];
  return (
    <table aria-label="Request headers" className="compact">
      <tbody>
        {rows.map(([k, v]) => (
          <tr key={k}>
            <th scope="row" className="mono">
              {k}
            </th>
            <td className="mono">{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Attempts({ d }: { d: DeliveryWithAttempts }) {
  return (
    <section aria-labelledby="att-h">
      <h2 id="att-h">Attempts</h2>
      <AttemptTimeline attempts={d.attempts} />
    </section>
  );
}
