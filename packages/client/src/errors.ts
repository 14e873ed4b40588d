import type { components } from './schema.js';

/** The JSON body of every error the API answers with. */
export type ErrorBody = components['schemas']['ErrorBodyResponse'];

/** A request the API answered with an error status. `status` and `message` come from the
 * response (its ErrorBody where it has one); `body` is the parsed body as sent. */
export class HookrelayError extends Error {
  override readonly name: string = 'HookrelayError';
  /** The status text the API names (`Bad Request`, `Not Found`, ...). */
  readonly error: string;
  readonly details: unknown;

  constructor(
    readonly status: number,
    message: string,
    readonly method: string,
    readonly url: string,
    readonly body: unknown,
    /** From Retry-After, on 429 and 503 responses that carry one. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    const b = isErrorBody(body) ? body : undefined;
    this.error = b?.error ?? '';
    this.details = b?.details;
  }
}

/** 400: the request is invalid; `message` says what is wrong. */
export class HookrelayValidationError extends HookrelayError {
  override readonly name = 'HookrelayValidationError';
}
/** 401: no key, or a key the API does not know (revoked, mistyped). */
export class HookrelayAuthenticationError extends HookrelayError {
  override readonly name = 'HookrelayAuthenticationError';
}
/** 403: the key may not do this (a service key without the route's scope, another tenant). */
export class HookrelayPermissionError extends HookrelayError {
  override readonly name = 'HookrelayPermissionError';
}
export class HookrelayNotFoundError extends HookrelayError {
  override readonly name = 'HookrelayNotFoundError';
}
/** 409: the state does not allow it (a pending delivery resent, an idempotency key reused). */
export class HookrelayConflictError extends HookrelayError {
  override readonly name = 'HookrelayConflictError';
}
/** 429 once the client's retries are used up (or Retry-After is longer than it waits). */
export class HookrelayRateLimitError extends HookrelayError {
  override readonly name = 'HookrelayRateLimitError';
}
/** 503 once the client's retries are used up. */
export class HookrelayUnavailableError extends HookrelayError {
  override readonly name = 'HookrelayUnavailableError';
}

const BY_STATUS: Readonly<Record<number, typeof HookrelayError>> = {
  400: HookrelayValidationError,
  401: HookrelayAuthenticationError,
  403: HookrelayPermissionError,
  404: HookrelayNotFoundError,
  409: HookrelayConflictError,
  429: HookrelayRateLimitError,
  503: HookrelayUnavailableError,
};

/** The typed error for a response that is not a success; `body` as openapi-fetch parsed it
 * (an object for JSON, the text otherwise, undefined when empty). */
export function errorFromResponse(response: Response, body: unknown, method: string, retryAfterMs?: number): HookrelayError {
  const message = isErrorBody(body) ? body.message : typeof body === 'string' && body.length > 0 ? body.slice(0, 500) : `HTTP ${response.status}`;
  const ErrorClass = BY_STATUS[response.status] ?? HookrelayError;
  return new ErrorClass(response.status, message, method, response.url, body, retryAfterMs);
}

function isErrorBody(body: unknown): body is ErrorBody {
  return typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string';
}
