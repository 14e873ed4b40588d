import createClient, { type Client } from 'openapi-fetch';
import { errorFromResponse } from './errors.js';
import { firstPage, type Page } from './pagination.js';
import { DEFAULT_RETRY, parseRetryAfter, retryingFetch, type RetryOptions } from './retry.js';
import type { paths } from './schema.js';
import type * as T from './types.js';

/** The tenant a service key (hrs_...) or the admin key acts for: its id, or your own external id. */
export type TenantRef = string | { externalId: string };

export interface HookrelayOptions {
  /** Where the API is, e.g. `https://hookrelay.internal` (paths start at /v1). */
  baseUrl: string;
  /** Bearer key: a tenant API key (whk_...), a service key (hrs_...) or the admin key. */
  apiKey: string;
  /** Sent as Hookrelay-Tenant on every request; see forTenant. */
  tenant?: TenantRef;
  /** Retries of 429 and 503 (honouring Retry-After); `false` turns them off. */
  retry?: Partial<RetryOptions> | false;
  /** A fetch of your own (instrumentation, a test double); default: the global fetch. */
  fetch?: (request: Request) => Promise<Response>;
  /** More headers on every request. */
  headers?: Record<string, string>;
}

export const TENANT_HEADER = 'Hookrelay-Tenant';

/** The Hookrelay-Tenant header value for a tenant reference. */
export function tenantHeader(ref: TenantRef): string {
  return typeof ref === 'string' ? ref : `ext:${ref.externalId}`;
}

/** What openapi-fetch resolves a call to. */
interface Result<D> {
  data?: D;
  error?: unknown;
  response: Response;
}

async function unwrap<D>(method: string, call: Promise<Result<D>>): Promise<D> {
  const { data, error, response } = await call;
  if (!response.ok) throw errorFromResponse(response, error, method, parseRetryAfter(response.headers.get('retry-after')));
  return data as D;
}

/**
 * The Hookrelay API, typed from its OpenAPI document. Resources are grouped (`hr.endpoints.list()`);
 * list methods resolve to a Page that `for await` walks to the end. Failures throw HookrelayError
 * (a subclass per common status). 429 and 503 are retried, honouring Retry-After.
 *
 *     const hr = new Hookrelay({ baseUrl, apiKey: process.env.HOOKRELAY_KEY });
 *     await hr.forTenant({ externalId: 'cus_8311' }).events.dispatch({ type: 'order.completed', data });
 */
export class Hookrelay {
  /** The typed openapi-fetch client, for anything the resources below do not cover. */
  readonly raw: Client<paths>;

  constructor(readonly options: HookrelayOptions) {
    const retry = options.retry === false ? { ...DEFAULT_RETRY, retries: 0 } : { ...DEFAULT_RETRY, ...options.retry };
    // The global fetch is looked up per call and called on globalThis (a detached fetch throws in browsers).
    const send = options.fetch ?? ((request: Request) => globalThis.fetch(request));
    this.raw = createClient<paths>({
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
      fetch: retryingFetch(retry, send),
      headers: {
        ...options.headers,
        authorization: `Bearer ${options.apiKey}`,
        ...(options.tenant !== undefined ? { [TENANT_HEADER]: tenantHeader(options.tenant) } : {}),
      },
    });
  }

  /** The same client acting for one tenant (a service key or the admin key on tenant routes):
   * every request carries `Hookrelay-Tenant: <id>` or `Hookrelay-Tenant: ext:<externalId>`. */
  forTenant(tenant: TenantRef): Hookrelay {
    return new Hookrelay({ ...this.options, tenant });
  }

  /** The operator routes (/v1/admin): the admin key, or a service key with tenants:read / tenants:write. */
  readonly admin = {
    tenants: {
      list: (query: T.ListTenantsQuery = {}): Promise<Page<T.Tenant>> =>
        firstPage((cursor) => unwrap('GET', this.raw.GET('/v1/admin/tenants', { params: { query: { ...query, cursor } } })), query.cursor),
      get: (id: string): Promise<T.Tenant> => unwrap('GET', this.raw.GET('/v1/admin/tenants/{id}', { params: { path: { id } } })),
      /** Returns the tenant's API key, shown only here. */
      create: (input: T.CreateTenantInput): Promise<T.CreatedTenant> => unwrap('POST', this.raw.POST('/v1/admin/tenants', { body: input })),
      update: (id: string, input: T.UpdateTenantInput): Promise<T.UpdatedTenant> =>
        unwrap('PATCH', this.raw.PATCH('/v1/admin/tenants/{id}', { params: { path: { id } }, body: input })),
      /** Deletes the tenant with its endpoints, keys, events and delivery log. */
      delete: (id: string): Promise<void> => unwrap('DELETE', this.raw.DELETE('/v1/admin/tenants/{id}', { params: { path: { id } } })),
      /** The tenant with this external id, created (without an API key) when there is none;
       * `created` says which. Safe to call on every sign-up or request. */
      getOrCreate: async (externalId: string, input: T.GetOrCreateTenantInput): Promise<{ tenant: T.Tenant; created: boolean }> => {
        const call = this.raw.PUT('/v1/admin/tenants/by-external-id/{externalId}', { params: { path: { externalId } }, body: input });
        const { response } = await call;
        return { tenant: await unwrap('PUT', call), created: response.status === 201 };
      },
    },
    /** The platform at a glance: attempts per minute over the last hour, success rate, backlog and queues, failing and disabled endpoints. */
    overview: (): Promise<T.Overview> => unwrap('GET', this.raw.GET('/v1/admin/overview')),
    /** Portal links: a console link (`url`, <PUBLIC_URL>/console/portal#token=hrp_...) acting for one tenant until it expires or is revoked. */
    portalSessions: {
      /** Returns the link, shown only here; `readOnly` links are refused by every write route. */
      create: (tenantId: string, input: T.CreatePortalSessionInput = {}): Promise<T.CreatedPortalSession> =>
        unwrap('POST', this.raw.POST('/v1/admin/tenants/{id}/portal-sessions', { params: { path: { id: tenantId } }, body: input })),
      list: (tenantId: string, query: T.PageQuery = {}): Promise<Page<T.PortalSession>> =>
        firstPage((cursor) => unwrap('GET', this.raw.GET('/v1/admin/tenants/{id}/portal-sessions', { params: { path: { id: tenantId }, query: { ...query, cursor } } })), query.cursor),
      revoke: (id: string): Promise<void> => unwrap('DELETE', this.raw.DELETE('/v1/admin/portal-sessions/{id}', { params: { path: { id } } })),
    },
    serviceKeys: {
      /** Returns the key (hrs_...), shown only here. Admin key only. */
      create: (input: T.CreateServiceKeyInput): Promise<T.CreatedServiceKey> => unwrap('POST', this.raw.POST('/v1/admin/service-keys', { body: input })),
      list: (query: T.PageQuery = {}): Promise<Page<T.ServiceKey>> =>
        firstPage((cursor) => unwrap('GET', this.raw.GET('/v1/admin/service-keys', { params: { query: { ...query, cursor } } })), query.cursor),
      revoke: (id: string): Promise<void> => unwrap('DELETE', this.raw.DELETE('/v1/admin/service-keys/{id}', { params: { path: { id } } })),
    },
    /** Deliveries across tenants (`tenantId` filters). Admin key only. */
    deliveries: {
      list: (query: T.AdminListDeliveriesQuery = {}): Promise<Page<T.Delivery>> =>
        firstPage((cursor) => unwrap('GET', this.raw.GET('/v1/admin/deliveries', { params: { query: { ...query, cursor } } })), query.cursor),
      get: (id: string): Promise<T.DeliveryWithAttempts> => unwrap('GET', this.raw.GET('/v1/admin/deliveries/{id}', { params: { path: { id } } })),
    },
  };

  /** The tenant admin routes of `admin.tenants`, for short: `hr.tenants.getOrCreate(...)`. */
  get tenants(): Hookrelay['admin']['tenants'] {
    return this.admin.tenants;
  }

  readonly endpoints = {
    list: (query: T.PageQuery = {}): Promise<Page<T.Endpoint>> =>
      firstPage((cursor) => unwrap('GET', this.raw.GET('/v1/endpoints', { params: { query: { ...query, cursor } } })), query.cursor),
    get: (id: string): Promise<T.Endpoint> => unwrap('GET', this.raw.GET('/v1/endpoints/{id}', { params: { path: { id } } })),
    /** Returns the signing secret, shown only here. */
    create: (input: T.CreateEndpointInput): Promise<T.CreatedEndpoint> => unwrap('POST', this.raw.POST('/v1/endpoints', { body: input })),
    update: (id: string, input: T.UpdateEndpointInput): Promise<T.Endpoint> =>
      unwrap('PATCH', this.raw.PATCH('/v1/endpoints/{id}', { params: { path: { id } }, body: input })),
    delete: (id: string): Promise<void> => unwrap('DELETE', this.raw.DELETE('/v1/endpoints/{id}', { params: { path: { id } } })),
    /** A new secret (returned once); the previous one keeps signing beside it for the grace period. */
    rotateSecret: (id: string, input: T.RotateSecretInput = {}): Promise<T.RotatedSecret> =>
      unwrap('POST', this.raw.POST('/v1/endpoints/{id}/rotate-secret', { params: { path: { id } }, body: input })),
    stats: (id: string, query: T.EndpointStatsQuery = {}): Promise<T.EndpointStats> =>
      unwrap('GET', this.raw.GET('/v1/endpoints/{id}/stats', { params: { path: { id }, query } })),
    /** Sends the events of a time window not yet delivered to this endpoint again; follow it with recoveries.get. */
    recover: (id: string, input: T.RecoverEndpointInput): Promise<T.Recovery> =>
      unwrap('POST', this.raw.POST('/v1/endpoints/{id}/recover', { params: { path: { id } }, body: input })),
    recoveries: (id: string, query: T.PageQuery = {}): Promise<Page<T.Recovery>> =>
      firstPage((cursor) => unwrap('GET', this.raw.GET('/v1/endpoints/{id}/recoveries', { params: { path: { id }, query: { ...query, cursor } } })), query.cursor),
  };

  readonly events = {
    /** Accepted (202) once stored; `replayed` is true when the idempotency key had stored it before. */
    dispatch: async (input: T.DispatchEventInput): Promise<T.EventAccepted & { replayed: boolean }> => {
      const call = this.raw.POST('/v1/events', { body: input });
      const accepted = await unwrap('POST', call);
      return { ...accepted, replayed: (await call).response.headers.get('idempotent-replayed') === 'true' };
    },
    /** Up to 1,000 events in one request; one result per item, in order (each item stands alone:
     * check its `status`, 202 accepted, 400 invalid, 409 idempotency key reused). */
    dispatchBatch: async (events: T.DispatchEventInput[]): Promise<T.BatchItemResult[]> =>
      (await unwrap('POST', this.raw.POST('/v1/events/batch', { body: { events } }))).results,
    /** Newest first, without `data` (get one event for it). */
    list: (query: T.ListEventsQuery = {}): Promise<Page<T.Event>> =>
      firstPage((cursor) => unwrap('GET', this.raw.GET('/v1/events', { params: { query: { ...query, cursor } } })), query.cursor),
    get: (id: string): Promise<T.EventWithDeliveries> => unwrap('GET', this.raw.GET('/v1/events/{id}', { params: { path: { id } } })),
    /** Sends the event again to every active endpoint subscribed now (`force`: also where it succeeded). */
    replay: (id: string, input: T.ReplayEventInput = {}): Promise<T.ReplayResult> =>
      unwrap('POST', this.raw.POST('/v1/events/{id}/replay', { params: { path: { id } }, body: input })),
    /** Removes the event's data and its attempts' response bodies, keeping the metadata (a data-subject
     * request); pending deliveries end failed. Idempotent. */
    expunge: (id: string): Promise<T.EventExpunged> => unwrap('POST', this.raw.POST('/v1/events/{id}/expunge', { params: { path: { id } } })),
  };

  readonly deliveries = {
    list: (query: T.ListDeliveriesQuery = {}): Promise<Page<T.Delivery>> =>
      firstPage((cursor) => unwrap('GET', this.raw.GET('/v1/deliveries', { params: { query: { ...query, cursor } } })), query.cursor),
    /** The delivery with its attempts. */
    get: (id: string): Promise<T.DeliveryWithAttempts> => unwrap('GET', this.raw.GET('/v1/deliveries/{id}', { params: { path: { id } } })),
    /** The delivery's attempts, oldest first. */
    attempts: async (id: string): Promise<T.Attempt[]> => (await unwrap('GET', this.raw.GET('/v1/deliveries/{id}', { params: { path: { id } } }))).attempts,
    /** Pending again, with a new series of attempts (409 while it is pending). */
    resend: (id: string): Promise<T.Delivery> => unwrap('POST', this.raw.POST('/v1/deliveries/{id}/resend', { params: { path: { id } } })),
  };

  readonly recoveries = {
    get: (id: string): Promise<T.Recovery> => unwrap('GET', this.raw.GET('/v1/recoveries/{id}', { params: { path: { id } } })),
    /** No further page is sent; deliveries already pending go on. */
    cancel: (id: string): Promise<T.Recovery> => unwrap('DELETE', this.raw.DELETE('/v1/recoveries/{id}', { params: { path: { id } } })),
  };

  readonly settings = {
    get: (): Promise<T.Settings> => unwrap('GET', this.raw.GET('/v1/settings')),
    update: (input: T.UpdateSettingsInput): Promise<T.Settings> => unwrap('PATCH', this.raw.PATCH('/v1/settings', { body: input })),
  };

  /** The tenant's own API keys (whk_...). */
  readonly apiKeys = {
    /** Returns the key, shown only here. */
    create: (input: T.CreateApiKeyInput = {}): Promise<T.CreatedApiKey> => unwrap('POST', this.raw.POST('/v1/api-keys', { body: input })),
    list: (query: T.PageQuery = {}): Promise<Page<T.ApiKey>> =>
      firstPage((cursor) => unwrap('GET', this.raw.GET('/v1/api-keys', { params: { query: { ...query, cursor } } })), query.cursor),
    revoke: (id: string): Promise<void> => unwrap('DELETE', this.raw.DELETE('/v1/api-keys/{id}', { params: { path: { id } } })),
  };
}
