import type { ReactNode } from 'react';
import { hasTenant, isOperator } from '../auth/session';
import { NavLink } from './router';
import { useSession } from './session-context';

const KIND_LABEL = { tenant: 'Tenant key', service: 'Service key', portal: 'Portal', admin: 'Admin' } as const;

export function Layout({ children }: { children: ReactNode }) {
  const { session, setTenant, signOut } = useSession();
  return (
    <>
      <a href="#main" className="skip">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Hookrelay</span>
        <nav aria-label="Main">
          <ul>
            <li>
              <NavLink to="/endpoints">Endpoints</NavLink>
            </li>
            <li>
              <NavLink to="/deliveries">Deliveries</NavLink>
            </li>
            <li>
              <NavLink to="/events">Events</NavLink>
            </li>
            {isOperator(session) && (
              <>
                <li>
                  <NavLink to="/operator">Overview</NavLink>
                </li>
                <li>
                  <NavLink to="/operator/tenants">Tenants</NavLink>
                </li>
                <li>
                  <NavLink to="/operator/service-keys">Service keys</NavLink>
                </li>
                <li>
                  <NavLink to="/operator/deliveries">Delivery log</NavLink>
                </li>
              </>
            )}
          </ul>
        </nav>
        <div className="who">
          <span>{KIND_LABEL[session.kind]}</span>
          {session.tenant && (
            <>
              {' · '}
              <span className="mono" aria-label="Acting for tenant">
                {session.tenant}
              </span>{' '}
              <button type="button" onClick={() => setTenant(null)}>
                Change tenant
              </button>
            </>
          )}
          {!hasTenant(session) && <span className="muted"> · no tenant picked</span>}{' '}
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
