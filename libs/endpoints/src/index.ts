export * from './event-type-filter.js';
export * from './url-policy.js';
export * from './endpoint.service.js';
export * from './endpoints.module.js';
export * from './header-policy.js';
export * from './endpoint-secret-cipher.js';
export * from './signing/index.js';
export * from './delivery-options.js';
