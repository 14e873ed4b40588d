export * from './ip-address.js';
export * from './target-policy.js';
export * from './checked-lookup.js';
export * from './secret-box.js';
export * from './rate-limiter.js';
