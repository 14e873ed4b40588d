export * from './retention.repository.js';
export * from './retention-pacer.js';
export * from './retention.service.js';
export * from './retention.module.js';
