export * from './reconcile.repository.js';
export * from './reconciler.service.js';
export * from './reconcile.module.js';
