export * from './ids.js';
export * from './errors.js';
export * from './logger.js';
export * from './clock.js';
export * from './logger.module.js';
export * from './pagination.js';
export * from './batcher.js';
export * from './http-drain.js';
