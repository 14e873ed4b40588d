export * from './api-key.js';
export * from './portal-session.service.js';
export * from './scopes.js';
export * from './service-key.service.js';
export * from './tenant.service.js';
export * from './tenants.module.js';
