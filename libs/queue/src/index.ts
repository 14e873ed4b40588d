export * from './jobs.js';
export * from './job-producer.js';
export * from './queue.module.js';
export * from './redis-options.js';
export * from './redis-health.js';
export * from './handles-job.js';
export * from './rate-limit-store.js';
