export * from './api-key.js';
export * from './tenant.service.js';
export * from './tenants.module.js';
