import { useState, type FormEvent } from 'react';
import type { CreatedPortalSession, CreatedTenant, Tenant } from '../../../api/types';
import { useSession } from '../../../app/session-context';
import { navigate } from '../../../app/router';
import { CopyButton, EmptyState, ErrorMessage, Loading, Pager, Time, useCursorPages } from '../../../components/feedback';
import { useTenants, useTenantWrites } from '../hooks/useOperator';

const emails = (s: string) =>
  s
    .split(/[\s,]+/)
    .map((x) => x.trim())
    .filter(Boolean);

export default function TenantsPage() {
  const pages = useCursorPages();
  const tenants = useTenants(pages.cursor);
  const writes = useTenantWrites();
  const [name, setName] = useState('');
  const [externalId, setExternalId] = useState('');
  const [alertEmails, setAlertEmails] = useState('');
  const [created, setCreated] = useState<CreatedTenant | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const t = await writes.create.run({ name: name.trim(), externalId: externalId.trim() || undefined, alertEmails: alertEmails.trim() ? emails(alertEmails) : undefined });
    if (t) {
      setCreated(t);
      setName('');
      setExternalId('');
      setAlertEmails('');
      tenants.reload();
    }
  }

  return (
    <section aria-labelledby="tn-h">
      <h1 id="tn-h">Tenants</h1>
      <form onSubmit={(e) => void submit(e)} className="form" aria-label="Create tenant">
        <h2>Create a tenant</h2>
        <label htmlFor="tn-name">Tenant name</label>
        <input id="tn-name" required value={name} onChange={(e) => setName(e.target.value)} />
        <label htmlFor="tn-ext">External id</label>
        <input id="tn-ext" value={externalId} onChange={(e) => setExternalId(e.target.value)} placeholder="your id for this customer (optional)" />
        <label htmlFor="tn-emails">Alert emails</label>
        <input id="tn-emails" value={alertEmails} onChange={(e) => setAlertEmails(e.target.value)} placeholder="ops@example.com, oncall@example.com" />
        <ErrorMessage error={writes.create.error} />
        <button type="submit" disabled={writes.create.pending}>
          Create tenant
        </button>
      </form>
      {created && (
        <section className="notice" aria-labelledby="tk-h">
          <h2 id="tk-h">Tenant {created.name} created</h2>
          <p>Its API key is shown only this once:</p>
          <p>
            <code className="mono" aria-label="Tenant API key">
              {created.apiKey}
            </code>{' '}
            <CopyButton text={created.apiKey} label="Copy tenant API key" />
          </p>
        </section>
      )}
      <ErrorMessage error={tenants.error} />
      {tenants.loading && !tenants.data && <Loading what="tenants" />}
      {tenants.data && tenants.data.data.length === 0 && (
        <EmptyState title="No tenants yet">
          <p>Create the first tenant above: each of your customers is one tenant, with its own endpoints and keys.</p>
        </EmptyState>
      )}
      {tenants.data && tenants.data.data.length > 0 && (
        <>
          <ul className="cards" aria-label="Tenants">
            {tenants.data.data.map((t) => (
              <TenantCard key={t.id} tenant={t} onChanged={tenants.reload} />
            ))}
          </ul>
          <Pager what="tenants" hasPrev={pages.hasPrev} hasNext={tenants.data.nextCursor !== null} onPrev={pages.prev} onNext={() => pages.next(tenants.data!.nextCursor)} />
        </>
      )}
    </section>
  );
}

function TenantCard({ tenant, onChanged }: { tenant: Tenant; onChanged: () => void }) {
  const { setTenant } = useSession();
  const writes = useTenantWrites();
  const [editing, setEditing] = useState(false);
  const [externalId, setExternalId] = useState(tenant.externalId ?? '');
  const [alertEmails, setAlertEmails] = useState(tenant.alertEmails.join(', '));
  const [hours, setHours] = useState('1');
  const [readOnly, setReadOnly] = useState(false);
  const [portal, setPortal] = useState<CreatedPortalSession | null>(null);

  async function save(e: FormEvent) {
    e.preventDefault();
    const r = await writes.update.run(tenant.id, { externalId: externalId.trim() || null, alertEmails: emails(alertEmails) });
    if (r) {
      setEditing(false);
      onChanged();
    }
  }

  async function link(e: FormEvent) {
    e.preventDefault();
    // The link shown is always the one this request made: the previous one goes before the new one is asked for.
    setPortal(null);
    const r = await writes.portal.run(tenant.id, { expiresInSeconds: Math.round(Number(hours) * 3600), readOnly });
    if (r) setPortal(r);
  }

  return (
    <li aria-label={`Tenant ${tenant.name}`}>
      <h3>{tenant.name}</h3>
      <p className="muted mono">{tenant.id}</p>
      <dl className="facts">
        <dt>External id</dt>
        <dd className="mono">{tenant.externalId ?? '—'}</dd>
        <dt>Alert emails</dt>
        <dd>{tenant.alertEmails.length ? tenant.alertEmails.join(', ') : 'none'}</dd>
        <dt>Created</dt>
        <dd>
          <Time value={tenant.createdAt} />
        </dd>
      </dl>
      <div className="actions">
        <button
          type="button"
          onClick={() => {
            setTenant(tenant.id);
            navigate('/endpoints');
          }}
          aria-label={`Open ${tenant.name}'s endpoints`}
        >
          Open endpoints
        </button>
        <button type="button" onClick={() => setEditing((v) => !v)} aria-expanded={editing} aria-label={`Edit ${tenant.name}`}>
          Edit
        </button>
      </div>
      {editing && (
        <form onSubmit={(e) => void save(e)} className="form" aria-label={`Edit ${tenant.name}`}>
          <label htmlFor={`ext-${tenant.id}`}>External id</label>
          <input id={`ext-${tenant.id}`} value={externalId} onChange={(e) => setExternalId(e.target.value)} />
          <label htmlFor={`em-${tenant.id}`}>Alert emails</label>
          <input id={`em-${tenant.id}`} value={alertEmails} onChange={(e) => setAlertEmails(e.target.value)} />
          <ErrorMessage error={writes.update.error} />
          <button type="submit">Save tenant</button>
        </form>
      )}
      <form onSubmit={(e) => void link(e)} className="inline-form" aria-label={`Portal link for ${tenant.name}`}>
        <label>
          Expires in (hours)
          <input type="number" min={0.05} max={24} step="any" value={hours} onChange={(e) => setHours(e.target.value)} />
        </label>
        <label className="inline">
          <input type="checkbox" checked={readOnly} onChange={(e) => setReadOnly(e.target.checked)} /> Read-only
        </label>
        <button type="submit" disabled={writes.portal.pending}>
          Create portal link
        </button>
      </form>
      <ErrorMessage error={writes.portal.error} />
      {portal && (
        <div className="notice" role="status" aria-label={`Portal link of ${tenant.name}`}>
          <p>
            Portal link{portal.readOnly ? ' (read-only)' : ''}, valid until <Time value={portal.expiresAt} />. Anyone with it sees this tenant: hand it only to the tenant.
          </p>
          <p>
            <code className="mono break" aria-label="Portal link URL">
              {portal.url}
            </code>{' '}
            <CopyButton text={portal.url} label="Copy portal link" />
          </p>
        </div>
      )}
    </li>
  );
}
