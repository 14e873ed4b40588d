export * from './app-config.js';
export * from './config.module.js';
export * from './env.dto.js';
export * from './connection-urls.js';
export * from './redis-topology.js';
