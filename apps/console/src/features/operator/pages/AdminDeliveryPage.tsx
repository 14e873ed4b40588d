import { Link } from '../../../app/router';
import type { AdminDelivery, DeliveryWithAttempts } from '../../../api/types';
import { ErrorMessage, Loading } from '../../../components/feedback';
import { Attempts, DeliverySummary } from '../../deliveries/components/DeliveryDetail';
import { useAdminDelivery } from '../hooks/useOperator';

export default function AdminDeliveryPage({ id }: { id: string }) {
  const delivery = useAdminDelivery(id);
  const d = delivery.data as (AdminDelivery & DeliveryWithAttempts) | undefined;
  return (
    <section aria-labelledby="add-h">
      <p>
        <Link to="/operator/deliveries">Delivery log</Link> /
      </p>
      <h1 id="add-h">{d ? <>Delivery of <span className="mono">{d.eventType}</span></> : 'Delivery'}</h1>
      <ErrorMessage error={delivery.error} />
      {delivery.loading && !d && <Loading what="the delivery" />}
      {d && (
        <>
          <p className="muted">
            Tenant <span className="mono">{d.tenantId ?? '—'}</span> · endpoint <span className="mono">{d.endpointId}</span> · event <span className="mono">{d.eventId}</span>
          </p>
          <DeliverySummary d={d} />
          <Attempts d={d} />
        </>
      )}
    </section>
  );
}
