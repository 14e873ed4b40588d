// Shapes of the API's responses as the console reads them (dates arrive as ISO strings).
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: unknown;
}

export interface SignatureOptions {
  scheme: string;
  header?: string;
  prefix?: string;
  encoding?: string;
  algorithm?: string;
  content?: string;
  timestampHeader?: string | null;
}

export interface BatchOptions {
  maxEvents: number;
  maxWaitMs: number;
}

export interface EndpointHealth {
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  failingSince: string | null;
  consecutiveFailures: number;
}

export interface Endpoint {
  id: string;
  url: string;
  description: string | null;
  eventTypes: string[];
  status: 'active' | 'disabled';
  headers: Record<string, string>;
  rateLimitPerSecond: number | null;
  signature: SignatureOptions;
  payload: string;
  batch: BatchOptions | null;
  timeoutMs: number | null;
  disabledReason: string | null;
  disabledAt: string | null;
  health: EndpointHealth;
  createdAt: string;
  updatedAt: string;
}

export interface CreatedEndpoint extends Endpoint {
  secret: string;
}

export interface EndpointInput {
  url?: string;
  eventTypes?: string[];
  description?: string | null;
  headers?: Record<string, string>;
  rateLimitPerSecond?: number | null;
  signature?: SignatureOptions;
  payload?: string;
  batch?: BatchOptions | null;
  timeoutMs?: number | null;
  status?: 'active' | 'disabled';
}

export interface RotatedSecret {
  secret: string;
  previousSecretsExpireAt: string;
}

export type StatsWindow = '1h' | '24h' | '7d';

export interface StatsBucket {
  start: string;
  attempts: number;
  succeeded: number;
  failed: number;
  p95Ms: number | null;
}

export interface EndpointStats {
  window: StatsWindow;
  from: string;
  to: string;
  bucketMinutes: number;
  attempts: number;
  succeeded: number;
  failed: number;
  successRate: number | null;
  latencyMs: { p50: number | null; p95: number | null; p99: number | null };
  byResult: Record<'2xx' | '3xx' | '4xx' | '5xx' | 'timeout' | 'network', number>;
  series: StatsBucket[];
}

export interface Recovery {
  id: string;
  endpointId: string;
  since: string;
  until: string;
  status: 'running' | 'completed' | 'cancelled' | 'failed';
  total: number | null;
  enqueued: number;
  reason: string | null;
  createdAt: string;
  completedAt: string | null;
}

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

export interface Delivery {
  id: string;
  eventId: string;
  endpointId: string;
  eventType: string;
  status: DeliveryStatus;
  attemptCount: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
  batchId: string | null;
  /** Present on the operator's log across tenants. */
  tenantId?: string;
}

export interface Attempt {
  attemptNumber: number;
  startedAt: string;
  durationMs: number;
  responseStatus: number | null;
  errorKind: string | null;
  errorMessage: string | null;
  responseBody: string | null;
  batchId: string | null;
}

export interface DeliveryWithAttempts extends Delivery {
  attempts: Attempt[];
}

export interface DeliveryFilter {
  endpointId?: string;
  eventId?: string;
  eventType?: string;
  status?: DeliveryStatus;
  since?: string;
  until?: string;
  tenantId?: string;
  cursor?: string;
  limit?: number;
}

export interface EventSummary {
  id: string;
  type: string;
  idempotencyKey: string | null;
  createdAt: string;
}

export interface EventDetail extends EventSummary {
  data: Record<string, unknown>;
  deliveries: Array<{ id: string; endpointId: string; status: DeliveryStatus; attemptCount: number }>;
  moreDeliveries: boolean;
}

export interface EventFilter {
  type?: string;
  since?: string;
  until?: string;
  cursor?: string;
}

export interface Tenant {
  id: string;
  name: string;
  externalId: string | null;
  alertEmails: string[];
  createdAt: string;
}

export interface CreatedTenant extends Tenant {
  apiKey: string;
}

export interface TenantInput {
  name?: string;
  externalId?: string | null;
  alertEmails?: string[];
}

export interface ServiceKey {
  id: string;
  name: string;
  scopes: string[];
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface CreatedServiceKey {
  id: string;
  name: string;
  scopes: string[];
  key: string;
  prefix: string;
  createdAt: string;
}

export interface PortalSession {
  id: string;
  url: string;
  expiresAt: string;
}
