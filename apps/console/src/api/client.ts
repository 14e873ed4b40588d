// The console's one door to the API. Feature hooks call these groups; nothing else talks HTTP.
import type { Session } from '../auth/session';
import type {
  CreatedEndpoint,
  CreatedServiceKey,
  CreatedTenant,
  Delivery,
  DeliveryFilter,
  DeliveryWithAttempts,
  Endpoint,
  EndpointInput,
  EndpointStats,
  ErrorBody,
  EventDetail,
  EventFilter,
  EventSummary,
  Page,
  PortalSession,
  Recovery,
  RotatedSecret,
  ServiceKey,
  StatsWindow,
  Tenant,
  TenantInput,
} from './types';

/** An API answer other than 2xx, with the API's own words. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: ErrorBody | null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Query = Record<string, string | number | undefined>;

function qs(q: Query | undefined): string {
  if (!q) return '';
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

export function createApi(session: Session, baseUrl = '') {
  async function call<T>(method: string, path: string, opts: { query?: Query; body?: unknown; tenant?: boolean } = {}): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${session.key}` };
    if (opts.tenant !== false && session.tenant) headers['hookrelay-tenant'] = session.tenant;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`${baseUrl}${path}${qs(opts.query)}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
    } catch {
      throw new ApiError(0, 'The API could not be reached. Check your connection and try again.', null);
    }
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (!res.ok) {
      const body = json && typeof json === 'object' && 'message' in json ? (json as ErrorBody) : null;
      throw new ApiError(res.status, body?.message ?? `The API answered ${res.status} ${res.statusText}`, body);
    }
    return json as T;
  }
  const enc = encodeURIComponent;

  return {
    endpoints: {
      list: (cursor?: string) => call<Page<Endpoint>>('GET', '/v1/endpoints', { query: { cursor, limit: 100 } }),
      get: (id: string) => call<Endpoint>('GET', `/v1/endpoints/${enc(id)}`),
      create: (input: EndpointInput) => call<CreatedEndpoint>('POST', '/v1/endpoints', { body: input }),
      update: (id: string, input: EndpointInput) => call<Endpoint>('PATCH', `/v1/endpoints/${enc(id)}`, { body: input }),
      remove: (id: string) => call<void>('DELETE', `/v1/endpoints/${enc(id)}`),
      rotateSecret: (id: string) => call<RotatedSecret>('POST', `/v1/endpoints/${enc(id)}/rotate-secret`, { body: {} }),
      stats: (id: string, window: StatsWindow) => call<EndpointStats>('GET', `/v1/endpoints/${enc(id)}/stats`, { query: { window } }),
      recover: (id: string, since: string) => call<Recovery>('POST', `/v1/endpoints/${enc(id)}/recover`, { body: { since } }),
      recoveries: (id: string) => call<Page<Recovery>>('GET', `/v1/endpoints/${enc(id)}/recoveries`, { query: { limit: 5 } }),
    },
    recoveries: {
      get: (id: string) => call<Recovery>('GET', `/v1/recoveries/${enc(id)}`),
    },
    events: {
      dispatch: (type: string, data: Record<string, unknown>) => call<{ id: string; type: string; createdAt: string }>('POST', '/v1/events', { body: { type, data } }),
      list: (f: EventFilter) => call<Page<EventSummary>>('GET', '/v1/events', { query: { ...f, limit: 50 } }),
      get: (id: string) => call<EventDetail>('GET', `/v1/events/${enc(id)}`),
      replay: (id: string, force: boolean) => call<{ deliveries: number }>('POST', `/v1/events/${enc(id)}/replay`, { body: { force } }),
    },
    deliveries: {
      list: (f: DeliveryFilter) => call<Page<Delivery>>('GET', '/v1/deliveries', { query: { ...f, limit: f.limit ?? 50 } }),
      get: (id: string) => call<DeliveryWithAttempts>('GET', `/v1/deliveries/${enc(id)}`),
      resend: (id: string) => call<Delivery>('POST', `/v1/deliveries/${enc(id)}/resend`),
    },
    admin: {
      tenants: (cursor?: string) => call<Page<Tenant>>('GET', '/v1/admin/tenants', { query: { cursor, limit: 100 }, tenant: false }),
      createTenant: (input: TenantInput) => call<CreatedTenant>('POST', '/v1/admin/tenants', { body: input, tenant: false }),
      updateTenant: (id: string, input: TenantInput) => call<Tenant>('PATCH', `/v1/admin/tenants/${enc(id)}`, { body: input, tenant: false }),
      portalSession: (id: string, input: { expiresInSeconds?: number; readOnly?: boolean }) =>
        call<PortalSession>('POST', `/v1/admin/tenants/${enc(id)}/portal-sessions`, { body: input, tenant: false }),
      serviceKeys: () => call<Page<ServiceKey>>('GET', '/v1/admin/service-keys', { query: { limit: 100 }, tenant: false }),
      createServiceKey: (name: string, scopes: string[]) => call<CreatedServiceKey>('POST', '/v1/admin/service-keys', { body: { name, scopes }, tenant: false }),
      revokeServiceKey: (id: string) => call<void>('DELETE', `/v1/admin/service-keys/${enc(id)}`, { tenant: false }),
      deliveries: (f: DeliveryFilter) => call<Page<Delivery>>('GET', '/v1/admin/deliveries', { query: { ...f, limit: 50 }, tenant: false }),
      delivery: (id: string) => call<DeliveryWithAttempts>('GET', `/v1/admin/deliveries/${enc(id)}`, { tenant: false }),
      overview: () => call<Record<string, unknown>>('GET', '/v1/admin/overview', { tenant: false }),
    },
  };
}

export type Api = ReturnType<typeof createApi>;

/** Words for any error a hook caught. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    switch (err.status) {
      case 401:
        return `Not signed in: ${err.message}. Sign in again.`;
      case 403:
        return `Not allowed: ${err.message}.`;
      case 404:
        return `Not found: ${err.message}.`;
      default:
        return err.message;
    }
  }
  return err instanceof Error ? err.message : String(err);
}
