import { useState } from 'react';
import { Link, useLocation } from '../../../app/router';
import type { DeliveryFilter } from '../../../api/types';
import { EmptyState, ErrorMessage, Loading, Pager, useCursorPages } from '../../../components/feedback';
import { useEndpointList } from '../../endpoints/hooks/useEndpoints';
import { DeliveryFilters } from '../components/DeliveryFilters';
import { DeliveryTable } from '../components/DeliveryTable';
import { useDeliveryList } from '../hooks/useDeliveries';

export default function DeliveriesPage() {
  const { search } = useLocation();
  const [filter, setFilter] = useState<DeliveryFilter>(() => ({ endpointId: search.get('endpointId') ?? undefined, eventId: search.get('eventId') ?? undefined }));
  const [autoRefresh, setAutoRefresh] = useState(true);
  const pages = useCursorPages();
  // Auto-refresh follows the newest page only: older pages hold still while you read them.
  const list = useDeliveryList({ ...filter, cursor: pages.cursor }, autoRefresh && !pages.hasPrev);
  const endpoints = useEndpointList();

  return (
    <section aria-labelledby="dl-h">
      <h1 id="dl-h">Deliveries</h1>
      <DeliveryFilters
        initial={filter}
        endpoints={endpoints.data?.data}
        onApply={(f) => {
          setFilter(f);
          pages.reset();
        }}
      />
      <label className="inline">
        <input type="checkbox" checked={autoRefresh} onChange={(e) => setAutoRefresh(e.target.checked)} /> Refresh automatically
      </label>
      <ErrorMessage error={list.error} />
      {list.loading && !list.data && <Loading what="deliveries" />}
      {list.data && list.data.data.length === 0 && (
        <EmptyState title="No deliveries match">
          <p>
            Deliveries appear when an event is dispatched to a subscribed endpoint. Widen the filters, or <Link to="/endpoints">check your endpoints</Link> and dispatch an event.
          </p>
        </EmptyState>
      )}
      {list.data && list.data.data.length > 0 && (
        <>
          <DeliveryTable deliveries={list.data.data} label="Deliveries" />
          <Pager what="deliveries" hasPrev={pages.hasPrev} hasNext={list.data.nextCursor !== null} onPrev={pages.prev} onNext={() => pages.next(list.data!.nextCursor)} />
        </>
      )}
    </section>
  );
}
