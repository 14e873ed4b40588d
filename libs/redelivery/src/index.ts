export * from './redelivery.repository.js';
export * from './redelivery.service.js';
export * from './recovery.repository.js';
export * from './recovery.service.js';
export * from './recovery-walker.js';
export * from './recovery-window.js';
export * from './redelivery.module.js';
