export { Hookrelay, tenantHeader, TENANT_HEADER, type HookrelayOptions, type TenantRef } from './hookrelay.js';
export {
  HookrelayError,
  HookrelayValidationError,
  HookrelayAuthenticationError,
  HookrelayPermissionError,
  HookrelayNotFoundError,
  HookrelayConflictError,
  HookrelayRateLimitError,
  HookrelayUnavailableError,
  type ErrorBody,
} from './errors.js';
export { Page } from './pagination.js';
export { DEFAULT_RETRY, parseRetryAfter, retryDelay, type RetryOptions } from './retry.js';
export type * from './types.js';
export type { components, operations, paths } from './schema.js';
