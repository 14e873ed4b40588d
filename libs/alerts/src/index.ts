export * from './alert-outbox.repository.js';
export * from './alert-email.js';
export * from './alert-mailer.js';
export * from './alert-sender.js';
export * from './alerts.module.js';
