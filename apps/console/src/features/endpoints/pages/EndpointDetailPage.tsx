import { useState, type FormEvent } from 'react';
import { Link, navigate } from '../../../app/router';
import type { RotatedSecret } from '../../../api/types';
import { ConfirmButton, EmptyState, ErrorMessage, Loading, StatusBadge, Time } from '../../../components/feedback';
import { DeliveryTable } from '../../deliveries/components/DeliveryTable';
import { useDeliveryList } from '../../deliveries/hooks/useDeliveries';
import { EndpointCharts } from '../components/EndpointCharts';
import { EndpointForm } from '../components/EndpointForm';
import { HealthBadge } from '../components/HealthBadge';
import { RecoverPanel } from '../components/RecoverPanel';
import { SecretReveal } from '../components/SecretReveal';
import { useEndpoint, useEndpointActions, useUpdateEndpoint } from '../hooks/useEndpoints';

export default function EndpointDetailPage({ id }: { id: string }) {
  const endpoint = useEndpoint(id);
  const update = useUpdateEndpoint(id);
  const actions = useEndpointActions(id);
  const [editing, setEditing] = useState(false);
  const [rotated, setRotated] = useState<RotatedSecret | null>(null);
  const e = endpoint.data;

  if (!e) {
    return (
      <section aria-labelledby="epd-h">
        <h1 id="epd-h">Endpoint</h1>
        <ErrorMessage error={endpoint.error} />
        {endpoint.loading && <Loading what="the endpoint" />}
        <Link to="/endpoints">Back to endpoints</Link>
      </section>
    );
  }

  async function setStatus(status: 'active' | 'disabled') {
    if (await update.run({ status })) endpoint.reload();
  }

  return (
    <section aria-labelledby="epd-h">
      <p>
        <Link to="/endpoints">Endpoints</Link> /
      </p>
      <div className="heading">
        <h1 id="epd-h" className="mono">
          {e.url}
        </h1>
        <StatusBadge status={e.status} /> <HealthBadge endpoint={e} />
      </div>
      {e.description && <p>{e.description}</p>}
      {e.disabledReason && (
        <p className="warning">
          Disabled by the platform at <Time value={e.disabledAt} />: {e.disabledReason}
        </p>
      )}
      <dl className="facts">
        <dt>Event types</dt>
        <dd className="mono">{e.eventTypes.join(', ')}</dd>
        <dt>Signature</dt>
        <dd>{e.signature.scheme}</dd>
        <dt>Payload</dt>
        <dd>{e.payload}</dd>
        <dt>Batch</dt>
        <dd>{e.batch ? `up to ${e.batch.maxEvents} events, waiting at most ${e.batch.maxWaitMs} ms` : 'off'}</dd>
        <dt>Timeout</dt>
        <dd>{e.timeoutMs !== null ? `${e.timeoutMs} ms` : 'platform default'}</dd>
        <dt>Rate limit</dt>
        <dd>{e.rateLimitPerSecond !== null ? `${e.rateLimitPerSecond} per second` : 'none'}</dd>
        <dt>Headers</dt>
        <dd className="mono">{Object.keys(e.headers).length ? Object.entries(e.headers).map(([k, v]) => `${k}: ${v}`).join('; ') : 'none'}</dd>
      </dl>

      <div className="actions" role="group" aria-label="Endpoint actions">
        <button type="button" onClick={() => setEditing((v) => !v)} aria-expanded={editing}>
          Edit
        </button>
        <button type="button" onClick={() => void actions.rotate.run().then((r) => r && setRotated(r))} disabled={actions.rotate.pending}>
          Rotate secret
        </button>
        {e.status === 'active' ? (
          <button type="button" onClick={() => void setStatus('disabled')} disabled={update.pending}>
            Disable
          </button>
        ) : (
          <button type="button" onClick={() => void setStatus('active')} disabled={update.pending}>
            Enable
          </button>
        )}
        <ConfirmButton label="Delete" confirmLabel="Yes, delete this endpoint" question="Delete this endpoint and stop its pending deliveries?" onConfirm={() => void actions.remove.run().then((r) => r && navigate('/endpoints'))} />
      </div>
      <ErrorMessage error={update.error ?? actions.rotate.error ?? actions.remove.error} />
      {rotated && (
        <>
          <SecretReveal secret={rotated.secret} title="New signing secret" />
          <p className="muted">
            The previous secret keeps working until <Time value={rotated.previousSecretsExpireAt} />.
          </p>
        </>
      )}
      {editing && (
        <section aria-labelledby="edit-h">
          <h2 id="edit-h">Edit endpoint</h2>
          <EndpointForm
            initial={e}
            submitLabel="Save changes"
            pending={update.pending}
            error={update.error}
            onCancel={() => setEditing(false)}
            onSubmit={(input) =>
              void update.run(input).then((r) => {
                if (r) {
                  setEditing(false);
                  endpoint.reload();
                }
              })
            }
          />
        </section>
      )}
      <TestEvent endpointTypes={e.eventTypes} run={actions.sendTest.run} pending={actions.sendTest.pending} error={actions.sendTest.error} />
      <EndpointCharts endpointId={id} />
      <RecentDeliveries endpointId={id} />
      <RecoverPanel endpointId={id} />
    </section>
  );
}

function TestEvent({ endpointTypes, run, pending, error }: { endpointTypes: string[]; run: (type: string) => Promise<{ id: string } | undefined>; pending: boolean; error: string | null }) {
  // A suggestion only: the API decides which endpoints a type reaches.
  const first = endpointTypes[0] ?? 'console.test';
  const [type, setType] = useState(first === '*' ? 'console.test' : first.replace(/\*$/, 'test'));
  const [sent, setSent] = useState<string | null>(null);
  async function submit(ev: FormEvent) {
    ev.preventDefault();
    const r = await run(type);
    setSent(r ? r.id : null);
  }
  return (
    <section aria-labelledby="test-h">
      <h2 id="test-h">Send a test event</h2>
      <form onSubmit={(ev) => void submit(ev)} aria-label="Send a test event">
        <label htmlFor="test-type">Test event type</label>
        <input id="test-type" value={type} onChange={(ev) => setType(ev.target.value)} />
        <button type="submit" disabled={pending}>
          Send test event
        </button>
      </form>
      <p className="muted">It goes to every active endpoint of this tenant subscribed to the type.</p>
      <ErrorMessage error={error} />
      {sent && (
        <p role="status">
          Test event sent: <Link to={`/events/${sent}`}>see its deliveries</Link>.
        </p>
      )}
    </section>
  );
}

function RecentDeliveries({ endpointId }: { endpointId: string }) {
  const list = useDeliveryList({ endpointId, limit: 10 }, true);
  return (
    <section aria-labelledby="recent-h">
      <h2 id="recent-h">Recent deliveries</h2>
      <ErrorMessage error={list.error} />
      {list.data && list.data.data.length === 0 && (
        <EmptyState title="No deliveries yet">
          <p>Dispatch an event of a type this endpoint subscribes to, or send a test event above.</p>
        </EmptyState>
      )}
      {list.data && list.data.data.length > 0 && (
        <>
          <DeliveryTable deliveries={list.data.data} label="Recent deliveries" />
          <p>
            <Link to={`/deliveries?endpointId=${endpointId}`}>All deliveries of this endpoint</Link>
          </p>
        </>
      )}
    </section>
  );
}
