import { Link } from '../../../app/router';
import type { AdminDelivery } from '../../../api/types';
import { StatusBadge, Time } from '../../../components/feedback';

export function DeliveryTable({ deliveries, label, linkBase = '/deliveries', showTenant = false }: { deliveries: AdminDelivery[]; label: string; linkBase?: string; showTenant?: boolean }) {
  return (
    <table aria-label={label}>
      <thead>
        <tr>
          <th scope="col">Delivery</th>
          <th scope="col">Event type</th>
          <th scope="col">Status</th>
          <th scope="col">Attempts</th>
          <th scope="col">Last result</th>
          <th scope="col">Created</th>
          {showTenant && <th scope="col">Tenant</th>}
        </tr>
      </thead>
      <tbody>
        {deliveries.map((d) => (
          <tr key={d.id}>
            <td>
              <Link to={`${linkBase}/${d.id}`} aria-label={`Delivery ${d.id} of ${d.eventType}`} className="mono">
                {d.id.slice(0, 8)}…
              </Link>
            </td>
            <td className="mono">{d.eventType}</td>
            <td>
              <StatusBadge status={d.status} />
            </td>
            <td>{d.attemptCount}</td>
            <td>{d.lastStatusCode !== null ? `HTTP ${d.lastStatusCode}` : (d.lastError ?? '—')}</td>
            <td>
              <Time value={d.createdAt} />
            </td>
            {showTenant && <td className="mono">{d.tenantId ?? '—'}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
