export * from './catalogue.js';
export * from './domain-events.js';
