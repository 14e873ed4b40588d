import type { components, paths } from './schema.js';

type Schemas = components['schemas'];
type QueryOf<P extends keyof paths> = paths[P] extends { get: { parameters: { query?: infer Q } } } ? NonNullable<Q> : never;

// Resources as the API returns them (dates are ISO 8601 strings).
export type Tenant = Schemas['TenantResponse'];
export type CreatedTenant = Schemas['CreatedTenantResponse'];
export type UpdatedTenant = Schemas['UpdatedTenantResponse'];
export type ServiceKey = Schemas['ServiceKeyResponse'];
export type CreatedServiceKey = Schemas['CreatedServiceKeyResponse'];
export type ApiKey = Schemas['ApiKeyResponse'];
export type CreatedApiKey = Schemas['CreatedApiKeyResponse'];
export type Endpoint = Schemas['EndpointResponse'];
export type CreatedEndpoint = Schemas['CreatedEndpointResponse'];
export type EndpointStats = Schemas['EndpointStatsResponse'];
export type RotatedSecret = Schemas['RotatedSecretResponse'];
export type Recovery = Schemas['RecoveryResponse'];
export type Event = Schemas['EventResponse'];
export type EventWithDeliveries = Schemas['EventWithDeliveriesResponse'];
export type EventAccepted = Schemas['EventAcceptedResponse'];
export type BatchItemResult = Schemas['BatchItemResult'];
export type ReplayResult = Schemas['ReplayResponse'];
export type EventExpunged = Schemas['EventExpungedResponse'];
export type Delivery = Schemas['DeliveryResponse'];
export type DeliveryWithAttempts = Schemas['DeliveryWithAttemptsResponse'];
export type Attempt = Schemas['AttemptResponse'];
export type Settings = Schemas['SettingsResponse'];
export type PortalSession = Schemas['PortalSessionResponse'];
export type CreatedPortalSession = Schemas['CreatedPortalSessionResponse'];
export type Overview = Schemas['OverviewResponse'];

// Request bodies.
export type CreateTenantInput = Schemas['CreateTenantDto'];
export type UpdateTenantInput = Schemas['UpdateTenantDto'];
export type GetOrCreateTenantInput = Schemas['PutTenantByExternalIdDto'];
export type CreateServiceKeyInput = Schemas['CreateServiceKeyDto'];
export type CreateApiKeyInput = Schemas['CreateApiKeyDto'];
export type CreateEndpointInput = Schemas['CreateEndpointDto'];
export type UpdateEndpointInput = Schemas['UpdateEndpointDto'];
export type RotateSecretInput = Schemas['RotateSecretDto'];
export type RecoverEndpointInput = Schemas['RecoverEndpointDto'];
export type DispatchEventInput = Schemas['DispatchEventDto'];
export type ReplayEventInput = Schemas['ReplayEventDto'];
export type UpdateSettingsInput = Schemas['UpdateSettingsDto'];
export type CreatePortalSessionInput = Schemas['CreatePortalSessionDto'];

// List filters (each takes `limit` and `cursor`).
export type PageQuery = QueryOf<'/v1/endpoints'>;
export type ListTenantsQuery = QueryOf<'/v1/admin/tenants'>;
export type ListEventsQuery = QueryOf<'/v1/events'>;
export type ListDeliveriesQuery = QueryOf<'/v1/deliveries'>;
export type AdminListDeliveriesQuery = QueryOf<'/v1/admin/deliveries'>;
export type EndpointStatsQuery = QueryOf<'/v1/endpoints/{id}/stats'>;
export type DeliveryStatus = NonNullable<ListDeliveriesQuery['status']>;
