export * from './prisma.service.js';
export * from './database.module.js';
export * from './database-errors.js';
export * from './pg-pool.js';
export * from './generic-plan.js';
export { Prisma, EndpointStatus, DeliveryStatus, PayloadFormat } from './generated/client.js';
export type { Tenant, ApiKey, ServiceKey, PortalSession, Endpoint, Event, Delivery, DeliveryAttempt, DeliveryBatch } from './generated/client.js';
