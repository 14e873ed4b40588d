import { useState } from 'react';
import type { DeliveryFilter } from '../../../api/types';
import { EmptyState, ErrorMessage, Loading, Pager, useCursorPages } from '../../../components/feedback';
import { DeliveryFilters } from '../../deliveries/components/DeliveryFilters';
import { DeliveryTable } from '../../deliveries/components/DeliveryTable';
import { useAdminDeliveries } from '../hooks/useOperator';

export default function AdminDeliveriesPage() {
  const [filter, setFilter] = useState<DeliveryFilter>({});
  const [autoRefresh, setAutoRefresh] = useState(true);
  const pages = useCursorPages();
  const list = useAdminDeliveries({ ...filter, cursor: pages.cursor }, autoRefresh && !pages.hasPrev);
  return (
    <section aria-labelledby="adl-h">
      <h1 id="adl-h">Delivery log across tenants</h1>
      <DeliveryFilters
        initial={filter}
        withTenant
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
          <p>Widen the filters. Deliveries appear once tenants dispatch events to their endpoints.</p>
        </EmptyState>
      )}
      {list.data && list.data.data.length > 0 && (
        <>
          <DeliveryTable deliveries={list.data.data} label="Deliveries across tenants" linkBase="/operator/deliveries" showTenant />
          <Pager what="deliveries" hasPrev={pages.hasPrev} hasNext={list.data.nextCursor !== null} onPrev={pages.prev} onNext={() => pages.next(list.data!.nextCursor)} />
        </>
      )}
    </section>
  );
}
