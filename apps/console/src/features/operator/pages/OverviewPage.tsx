import { StackedBarChart } from '../../../components/charts';
import { EmptyState, ErrorMessage, Loading, StatusBadge, Time } from '../../../components/feedback';
import { useOverview } from '../hooks/useOperator';

export default function OverviewPage() {
  const overview = useOverview();
  const o = overview.data;
  return (
    <section aria-labelledby="ov-h">
      <h1 id="ov-h">Overview</h1>
      <ErrorMessage error={overview.error} />
      {overview.loading && !o && <Loading what="the overview" />}
      {o && (
        <>
          <div className="tiles" role="list" aria-label="Platform health">
            <Tile label="Deliveries per minute" value={(o.lastHour.attempts / 60).toFixed(1)} note={`${o.lastHour.attempts} attempts in the last hour`} />
            <Tile label="Success rate" value={o.lastHour.successRate === null ? '—' : `${(o.lastHour.successRate * 100).toFixed(1)}%`} note={o.lastHour.successRate === null ? 'no attempts in the last hour' : `${o.lastHour.failed} failed attempts`} />
            <Tile label="Backlog" value={`${o.backlog.pendingDeliveries}${o.backlog.pendingDeliveriesCapped ? '+' : ''}`} note="deliveries not finished yet" />
            <Tile label="Failing endpoints" value={String(o.endpoints.failing)} note={`of ${o.endpoints.total} endpoints`} />
            <Tile label="Disabled endpoints" value={String(o.endpoints.disabled)} note="by their tenant or auto-disable" />
          </div>
          <StackedBarChart
            title="Attempts per minute, last hour, every tenant"
            unit="attempts"
            bucketMinutes={1}
            starts={o.perMinute.map((m) => m.minute)}
            series={[
              { label: 'succeeded', className: 's-ok', values: o.perMinute.map((m) => m.succeeded) },
              { label: 'failed', className: 's-bad', values: o.perMinute.map((m) => m.failed) },
            ]}
          />
          <h2>Queues</h2>
          {o.backlog.queues ? (
            <table aria-label="Queues" className="compact">
              <thead>
                <tr>
                  <th scope="col">Queue</th>
                  <th scope="col">Waiting</th>
                  <th scope="col">Delayed</th>
                  <th scope="col">Active</th>
                </tr>
              </thead>
              <tbody>
                {Object.entries(o.backlog.queues).map(([name, q]) => (
                  <tr key={name}>
                    <th scope="row">{name}</th>
                    <td>{q.waiting}</td>
                    <td>{q.delayed}</td>
                    <td>{q.active}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="warning">Redis did not answer: the queue counts are unavailable. Check Redis.</p>
          )}
          <h2>Failing longest</h2>
          {o.endpoints.failingLongest.length === 0 ? (
            <EmptyState title="No failing endpoints">
              <p>Every endpoint's latest delivery succeeded. Endpoints that start failing show here, longest first.</p>
            </EmptyState>
          ) : (
            <table aria-label="Failing endpoints">
              <thead>
                <tr>
                  <th scope="col">Endpoint</th>
                  <th scope="col">Tenant</th>
                  <th scope="col">Status</th>
                  <th scope="col">Failing since</th>
                  <th scope="col">Last error</th>
                </tr>
              </thead>
              <tbody>
                {o.endpoints.failingLongest.map((e) => (
                  <tr key={e.id}>
                    <td className="mono">{e.url}</td>
                    <td className="mono">{e.tenantId}</td>
                    <td>
                      <StatusBadge status={e.status} />
                    </td>
                    <td>
                      <Time value={e.failingSince} />
                    </td>
                    <td>{e.lastError ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <p className="muted">
            As of <Time value={o.generatedAt} />; refreshed every 10 seconds.
          </p>
        </>
      )}
    </section>
  );
}

function Tile({ label, value, note }: { label: string; value: string; note: string }) {
  return (
    <div role="listitem" className="tile" aria-label={`${label}: ${value}`}>
      <div className="tile-label">{label}</div>
      <div className="tile-value">{value}</div>
      <div className="muted">{note}</div>
    </div>
  );
}
