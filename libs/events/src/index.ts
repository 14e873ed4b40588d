export * from './event.repository.js';
export * from './event-log.repository.js';
export * from './event.service.js';
export * from './fan-out.service.js';
export * from './events.module.js';
export * from './expunge.js';
