// The console's one door to the API: the typed client, @hookrelay/client. Feature hooks call these groups.
import { Hookrelay, HookrelayError } from '@hookrelay/client';
import type { Session } from '../auth/session';
import type { DeliveryFilter, EndpointInput, EventFilter, StatsWindow, TenantInput } from './types';

/** The pieces of a client Page the console keeps in state (the Page itself carries its fetcher). */
const plain = <T>(p: { data: T[]; nextCursor: string | null }) => ({ data: p.data, nextCursor: p.nextCursor });

export function createApi(session: Session, baseUrl = window.location.origin) {
  // The console waits for no retry: a 429 or 503 shows in the page, in words, at once.
  const root = new Hookrelay({ baseUrl, apiKey: session.key, retry: false });
  const hr = session.tenant ? root.forTenant(session.tenant) : root;

  return {
    endpoints: {
      list: async (cursor?: string) => plain(await hr.endpoints.list({ cursor, limit: 100 })),
      get: (id: string) => hr.endpoints.get(id),
      create: (input: EndpointInput) => hr.endpoints.create(input as Parameters<typeof hr.endpoints.create>[0]),
      update: (id: string, input: EndpointInput) => hr.endpoints.update(id, input),
      remove: (id: string) => hr.endpoints.delete(id),
      rotateSecret: (id: string) => hr.endpoints.rotateSecret(id),
      stats: (id: string, window: StatsWindow) => hr.endpoints.stats(id, { window }),
      recover: (id: string, since: string) => hr.endpoints.recover(id, { since }),
      recoveries: async (id: string) => plain(await hr.endpoints.recoveries(id, { limit: 5 })),
    },
    recoveries: {
      get: (id: string) => hr.recoveries.get(id),
    },
    events: {
      dispatch: (type: string, data: Record<string, unknown>) => hr.events.dispatch({ type, data }),
      list: async (f: EventFilter) => plain(await hr.events.list({ ...f, limit: 50 })),
      get: (id: string) => hr.events.get(id),
      replay: (id: string, force: boolean) => hr.events.replay(id, { force }),
    },
    deliveries: {
      list: async (f: DeliveryFilter) => plain(await hr.deliveries.list({ ...f, limit: f.limit ?? 50 })),
      get: (id: string) => hr.deliveries.get(id),
      resend: (id: string) => hr.deliveries.resend(id),
    },
    admin: {
      tenants: async (cursor?: string) => plain(await root.admin.tenants.list({ cursor, limit: 100 })),
      createTenant: (input: TenantInput) => root.admin.tenants.create(input as Parameters<typeof root.admin.tenants.create>[0]),
      updateTenant: (id: string, input: TenantInput) => root.admin.tenants.update(id, input),
      portalSession: (id: string, input: { expiresInSeconds?: number; readOnly?: boolean }) => root.admin.portalSessions.create(id, input),
      serviceKeys: async () => plain(await root.admin.serviceKeys.list({ limit: 100 })),
      createServiceKey: (name: string, scopes: string[]) => root.admin.serviceKeys.create({ name, scopes: scopes as Parameters<typeof root.admin.serviceKeys.create>[0]['scopes'] }),
      revokeServiceKey: (id: string) => root.admin.serviceKeys.revoke(id),
      deliveries: async (f: DeliveryFilter) => plain(await root.admin.deliveries.list({ ...f, limit: 50 })),
      delivery: (id: string) => root.admin.deliveries.get(id),
      overview: () => root.admin.overview(),
    },
  };
}

export type Api = ReturnType<typeof createApi>;

/** Words for any error a hook caught. */
export function errorText(err: unknown): string {
  if (err instanceof HookrelayError) {
    switch (err.status) {
      case 401:
        // A portal link cannot sign in again: its message says to ask for a new one.
        return err.message.includes('portal') ? `This link no longer works: ${err.message}.` : `Not signed in: ${err.message}. Sign in again.`;
      case 403:
        return `Not allowed: ${err.message}.`;
      case 404:
        return `Not found: ${err.message}.`;
      default:
        return err.message;
    }
  }
  if (err instanceof TypeError) return 'The API could not be reached. Check your connection and try again.';
  return err instanceof Error ? err.message : String(err);
}

export { HookrelayError as ApiError };
