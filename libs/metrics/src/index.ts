export * from './platform-metrics.js';
export * from './backlog.repository.js';
export * from './backlog-sampler.js';
export * from './metrics.controller.js';
export * from './metrics.module.js';
export * from './process-metrics.js';
