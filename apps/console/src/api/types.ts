// The API's shapes, as the typed client (@hookrelay/client, generated from the OpenAPI document) names them.
import type {
  Attempt,
  CreatedEndpoint,
  CreatedServiceKey,
  CreatedPortalSession,
  CreatedTenant,
  Overview,
  Delivery,
  DeliveryStatus,
  DeliveryWithAttempts,
  Endpoint,
  EndpointStats,
  Event,
  EventWithDeliveries,
  ListDeliveriesQuery,
  Recovery,
  RotatedSecret,
  ServiceKey,
  Tenant,
  UpdateEndpointInput,
} from '@hookrelay/client';

export type { Attempt, CreatedEndpoint, CreatedPortalSession, Overview, CreatedServiceKey, CreatedTenant, Delivery, DeliveryStatus, DeliveryWithAttempts, Endpoint, EndpointStats, Recovery, RotatedSecret, ServiceKey, Tenant };

export type EventSummary = Event;
export type EventDetail = EventWithDeliveries;
/** Create and update share the form: every field the update takes (create needs url and eventTypes). */
export type EndpointInput = UpdateEndpointInput;
export type SignatureOptions = NonNullable<Endpoint['signature']>;
export type StatsWindow = '1h' | '24h' | '7d';

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export type DeliveryFilter = ListDeliveriesQuery & { tenantId?: string };

export interface EventFilter {
  type?: string;
  since?: string;
  until?: string;
  cursor?: string;
}

export interface TenantInput {
  name?: string;
  externalId?: string | null;
  alertEmails?: string[];
}


/** The operator's log across tenants also returns each delivery's tenantId (not yet in the OpenAPI document). */
export type AdminDelivery = Delivery & { tenantId?: string };
