import { useState, type FormEvent } from 'react';
import type { DeliveryFilter, DeliveryStatus, Endpoint } from '../../../api/types';

/** Filters by endpoint, event type, status and time range; applied on submit. */
export function DeliveryFilters({ initial, endpoints, onApply, withTenant = false }: { initial: DeliveryFilter; endpoints?: Endpoint[]; onApply: (f: DeliveryFilter) => void; withTenant?: boolean }) {
  const [endpointId, setEndpointId] = useState(initial.endpointId ?? '');
  const [eventType, setEventType] = useState(initial.eventType ?? '');
  const [status, setStatus] = useState<string>(initial.status ?? '');
  const [since, setSince] = useState('');
  const [until, setUntil] = useState('');
  const [tenantId, setTenantId] = useState(initial.tenantId ?? '');

  function submit(e: FormEvent) {
    e.preventDefault();
    const iso = (v: string) => (v ? new Date(v).toISOString() : undefined);
    onApply({
      endpointId: endpointId || undefined,
      eventType: eventType.trim() || undefined,
      status: (status || undefined) as DeliveryStatus | undefined,
      since: iso(since),
      until: iso(until),
      tenantId: withTenant ? tenantId.trim() || undefined : undefined,
    });
  }

  return (
    <form onSubmit={submit} className="filters" aria-label="Filter deliveries">
      {withTenant && (
        <label>
          Tenant id
          <input value={tenantId} onChange={(e) => setTenantId(e.target.value)} />
        </label>
      )}
      {endpoints ? (
        <label>
          Endpoint
          <select value={endpointId} onChange={(e) => setEndpointId(e.target.value)}>
            <option value="">All endpoints</option>
            {endpoints.map((ep) => (
              <option key={ep.id} value={ep.id}>
                {ep.url}
              </option>
            ))}
          </select>
        </label>
      ) : (
        <label>
          Endpoint id
          <input value={endpointId} onChange={(e) => setEndpointId(e.target.value)} />
        </label>
      )}
      <label>
        Event type
        <input value={eventType} onChange={(e) => setEventType(e.target.value)} placeholder="order.completed" />
      </label>
      <label>
        Status
        <select value={status} onChange={(e) => setStatus(e.target.value)}>
          <option value="">Any status</option>
          <option value="pending">pending</option>
          <option value="succeeded">succeeded</option>
          <option value="failed">failed</option>
        </select>
      </label>
      <label>
        From
        <input type="datetime-local" value={since} onChange={(e) => setSince(e.target.value)} />
      </label>
      <label>
        To
        <input type="datetime-local" value={until} onChange={(e) => setUntil(e.target.value)} />
      </label>
      <button type="submit">Apply filters</button>
    </form>
  );
}
