import { useState, type FormEvent } from 'react';
import { Loading } from '../components/feedback';
import { useQuery } from './query';
import { useApi, useSession } from './session-context';

/** For the admin and service keys: which tenant the tenant pages act for (Hookrelay-Tenant). */
export function TenantPicker() {
  const { session, setTenant } = useSession();
  const api = useApi();
  const tenants = useQuery('picker-tenants', () => api.admin.tenants());
  const [typed, setTyped] = useState('');

  function submit(e: FormEvent) {
    e.preventDefault();
    if (typed.trim()) setTenant(typed.trim());
  }

  return (
    <section aria-labelledby="pick-h">
      <h1 id="pick-h">Pick a tenant</h1>
      <p>Endpoints, deliveries and events belong to one tenant. {session.kind === 'admin' ? 'As the admin' : 'With a service key'}, choose the tenant to act for.</p>
      {tenants.loading && !tenants.data && <Loading what="tenants" />}
      {tenants.error && <p className="muted">The tenant list is not available to this key ({tenants.error}) Type the tenant's id below.</p>}
      {tenants.data && tenants.data.data.length === 0 && <p>There are no tenants yet. Create one on the Tenants page.</p>}
      {tenants.data && tenants.data.data.length > 0 && (
        <ul className="plain">
          {tenants.data.data.map((t) => (
            <li key={t.id}>
              <button type="button" onClick={() => setTenant(t.id)}>
                Act for {t.name}
              </button>{' '}
              <span className="muted mono">{t.externalId ? `ext:${t.externalId}` : t.id}</span>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={submit} aria-label="Tenant by id">
        <label htmlFor="tenant-id">Tenant id or ext:external id</label>
        <input id="tenant-id" value={typed} onChange={(e) => setTyped(e.target.value)} />
        <button type="submit">Use this tenant</button>
      </form>
    </section>
  );
}
