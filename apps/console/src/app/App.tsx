import { lazy, Suspense, useCallback, useState } from 'react';
import { clearSession, hasTenant, isOperator, loadSession, saveSession, type Session } from '../auth/session';
import { SignInPage } from '../auth/SignInPage';
import { Loading } from '../components/feedback';
import { Layout } from './Layout';
import { matchPath, navigate, RouterProvider, useLocation } from './router';
import { SessionProvider, useSession } from './session-context';
import { TenantPicker } from './TenantPicker';

const EndpointsPage = lazy(() => import('../features/endpoints/pages/EndpointsPage'));
const NewEndpointPage = lazy(() => import('../features/endpoints/pages/NewEndpointPage'));
const EndpointDetailPage = lazy(() => import('../features/endpoints/pages/EndpointDetailPage'));
const DeliveriesPage = lazy(() => import('../features/deliveries/pages/DeliveriesPage'));
const DeliveryDetailPage = lazy(() => import('../features/deliveries/pages/DeliveryDetailPage'));
const EventsPage = lazy(() => import('../features/events/pages/EventsPage'));
const EventDetailPage = lazy(() => import('../features/events/pages/EventDetailPage'));
const OverviewPage = lazy(() => import('../features/operator/pages/OverviewPage'));
const TenantsPage = lazy(() => import('../features/operator/pages/TenantsPage'));
const ServiceKeysPage = lazy(() => import('../features/operator/pages/ServiceKeysPage'));
const AdminDeliveriesPage = lazy(() => import('../features/operator/pages/AdminDeliveriesPage'));
const AdminDeliveryPage = lazy(() => import('../features/operator/pages/AdminDeliveryPage'));

export function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const signIn = useCallback((s: Session) => {
    saveSession(s);
    setSession(s);
    navigate(hasTenant(s) ? '/endpoints' : '/operator', { replace: true });
  }, []);
  const signOut = useCallback(() => {
    clearSession();
    setSession(null);
    navigate('/signin', { replace: true });
  }, []);
  const setTenant = useCallback((tenant: string | null) => {
    setSession((s) => {
      if (!s) return s;
      const next = { ...s, tenant };
      saveSession(next);
      return next;
    });
  }, []);

  return (
    <RouterProvider>
      {session ? (
        <SessionProvider session={session} setTenant={setTenant} signOut={signOut}>
          <Layout>
            <Suspense fallback={<Loading what="the page" />}>
              <Routes />
            </Suspense>
          </Layout>
        </SessionProvider>
      ) : (
        <SignInPage onSignIn={signIn} />
      )}
    </RouterProvider>
  );
}

const TENANT_ROUTES: Array<[string, (p: Record<string, string>) => React.ReactNode]> = [
  ['/endpoints', () => <EndpointsPage />],
  ['/endpoints/new', () => <NewEndpointPage />],
  ['/endpoints/:id', (p) => <EndpointDetailPage id={p.id!} />],
  ['/deliveries', () => <DeliveriesPage />],
  ['/deliveries/:id', (p) => <DeliveryDetailPage id={p.id!} />],
  ['/events', () => <EventsPage />],
  ['/events/:id', (p) => <EventDetailPage id={p.id!} />],
];

const OPERATOR_ROUTES: Array<[string, (p: Record<string, string>) => React.ReactNode]> = [
  ['/operator', () => <OverviewPage />],
  ['/operator/tenants', () => <TenantsPage />],
  ['/operator/service-keys', () => <ServiceKeysPage />],
  ['/operator/deliveries', () => <AdminDeliveriesPage />],
  ['/operator/deliveries/:id', (p) => <AdminDeliveryPage id={p.id!} />],
];

function Routes() {
  const { path } = useLocation();
  const { session } = useSession();
  for (const [pattern, render] of OPERATOR_ROUTES) {
    const m = matchPath(pattern, path);
    if (m) return isOperator(session) ? render(m) : <NotAllowed />;
  }
  for (const [pattern, render] of TENANT_ROUTES) {
    const m = matchPath(pattern, path);
    if (m) return hasTenant(session) ? render(m) : <TenantPicker />;
  }
  if (path === '/' || path === '/signin' || path === '/portal') {
    queueMicrotask(() => navigate(hasTenant(session) ? '/endpoints' : '/operator', { replace: true }));
    return null;
  }
  return (
    <section aria-labelledby="nf">
      <h1 id="nf">Page not found</h1>
      <p>There is nothing at this address. Use the navigation above.</p>
    </section>
  );
}

function NotAllowed() {
  return (
    <section aria-labelledby="na">
      <h1 id="na">Operator pages</h1>
      <p>These pages need the admin key or a service key. Sign out and sign in with one.</p>
    </section>
  );
}
