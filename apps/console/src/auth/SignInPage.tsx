import { useState, type FormEvent } from 'react';
import { ApiError, createApi, errorText } from '../api/client';
import { useLocation } from '../app/router';
import { ErrorMessage } from '../components/feedback';
import { keyKind, type Session } from './session';

const KIND_TEXT = {
  tenant: 'a tenant API key (whk_…)',
  service: 'a service key (hrs_…): name the tenant to act for',
  portal: 'a portal token (hrp_…)',
  admin: 'the admin key',
} as const;

export function SignInPage({ onSignIn }: { onSignIn: (s: Session) => void }) {
  const [key, setKey] = useState('');
  const [tenant, setTenant] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const { search } = useLocation();
  const kind = key ? keyKind(key.trim()) : null;
  const picksTenant = kind === 'service' || kind === 'admin';

  async function submit(e: FormEvent) {
    e.preventDefault();
    const k = key.trim();
    if (!k) {
      setError('Enter a key to sign in.');
      return;
    }
    const session: Session = { key: k, kind: keyKind(k), tenant: picksTenant && tenant.trim() ? tenant.trim() : null };
    setPending(true);
    setError(null);
    try {
      // One read proves the key: a tenant route for tenant and portal keys (and a named tenant),
      // the tenant list for the admin and service keys.
      const api = createApi(session);
      if (session.kind === 'tenant' || session.kind === 'portal' || session.tenant) await api.endpoints.list();
      else {
        try {
          await api.admin.tenants();
        } catch (err) {
          // A service key without tenants:read is still a key: it picks its tenant by id.
          if (!(err instanceof ApiError && err.status === 403 && session.kind === 'service')) throw err;
        }
      }
      onSignIn(session);
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? `This key was refused: ${err.message}.` : errorText(err));
    } finally {
      setPending(false);
    }
  }

  return (
    <main className="signin">
      <h1>Hookrelay console</h1>
      {search.get('portal') === 'invalid' && <p role="alert" className="error">This portal link has no valid token. Ask for a new link.</p>}
      <form onSubmit={(e) => void submit(e)} aria-label="Sign in">
        <label htmlFor="key">API key</label>
        <input id="key" name="key" type="password" autoComplete="off" spellCheck={false} value={key} onChange={(e) => setKey(e.target.value)} aria-describedby="key-help" />
        <p id="key-help" className="muted">
          {kind ? `This is ${KIND_TEXT[kind]}.` : 'A tenant API key, a service key or the admin key.'} The key is kept in this tab only, until you sign out or close it.
        </p>
        {picksTenant && (
          <>
            <label htmlFor="tenant">Tenant {kind === 'admin' ? '(optional)' : ''}</label>
            <input id="tenant" name="tenant" value={tenant} onChange={(e) => setTenant(e.target.value)} placeholder="tenant id or ext:your-id" aria-describedby="tenant-help" />
            <p id="tenant-help" className="muted">
              The tenant whose endpoints and deliveries to show. Leave it empty to open the operator pages and pick one there.
            </p>
          </>
        )}
        <ErrorMessage error={error} />
        <button type="submit" disabled={pending}>
          {pending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
