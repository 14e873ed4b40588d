export * from './health-summary.js';
export * from './endpoint-health.repository.js';
export * from './endpoint-health.recorder.js';
export * from './endpoint-health.module.js';
