export * from './latency-histogram.js';
export * from './stats-buffer.js';
export * from './stats-window.js';
export * from './endpoint-stats.repository.js';
export * from './endpoint-stats.service.js';
export * from './endpoint-stats.recorder.js';
export * from './endpoint-stats.module.js';
