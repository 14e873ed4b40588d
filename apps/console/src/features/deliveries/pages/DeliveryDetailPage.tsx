import { Link } from '../../../app/router';
import { useQuery } from '../../../app/query';
import { useApi } from '../../../app/session-context';
import { ErrorMessage, Loading, prettyJson, TextBlock } from '../../../components/feedback';
import { Attempts, DeliverySummary, RequestHeaders } from '../components/DeliveryDetail';
import { useDelivery, useResend } from '../hooks/useDeliveries';

export default function DeliveryDetailPage({ id }: { id: string }) {
  const api = useApi();
  const delivery = useDelivery(id);
  const resend = useResend();
  const d = delivery.data;
  const event = useQuery(`event:${d?.eventId ?? ''}`, () => api.events.get(d!.eventId), { enabled: d !== undefined });
  const endpoint = useQuery(`endpoint:${d?.endpointId ?? ''}`, () => api.endpoints.get(d!.endpointId), { enabled: d !== undefined });

  if (!d) {
    return (
      <section aria-labelledby="dd-h">
        <h1 id="dd-h">Delivery</h1>
        <ErrorMessage error={delivery.error} />
        {delivery.loading && <Loading what="the delivery" />}
        <Link to="/deliveries">Back to deliveries</Link>
      </section>
    );
  }
  return (
    <section aria-labelledby="dd-h">
      <p>
        <Link to="/deliveries">Deliveries</Link> /
      </p>
      <h1 id="dd-h">
        Delivery of <span className="mono">{d.eventType}</span>
      </h1>
      <p>
        To{' '}
        {endpoint.data ? (
          <Link to={`/endpoints/${d.endpointId}`} className="mono">
            {endpoint.data.url}
          </Link>
        ) : (
          <span className="mono">{d.endpointId}</span>
        )}{' '}
        · event <Link to={`/events/${d.eventId}`} className="mono">{d.eventId}</Link>
      </p>
      <DeliverySummary d={d} />
      <div className="actions">
        <button type="button" onClick={() => void resend.run(d.id).then((r) => r && delivery.reload())} disabled={resend.pending || d.status === 'pending'}>
          Resend
        </button>
        {d.status === 'pending' && <span className="muted">A pending delivery is still being sent; resend it once it has finished.</span>}
      </div>
      <ErrorMessage error={resend.error} />
      <section aria-labelledby="payload-h">
        <h2 id="payload-h">Payload</h2>
        <ErrorMessage error={event.error} />
        {event.data && <TextBlock label="Event payload" value={prettyJson(event.data.data)} />}
      </section>
      <section aria-labelledby="hdr-h">
        <h2 id="hdr-h">Request headers</h2>
        <ErrorMessage error={endpoint.error} />
        {endpoint.data && <RequestHeaders endpoint={endpoint.data} />}
      </section>
      <Attempts d={d} />
    </section>
  );
}
