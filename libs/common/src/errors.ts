/** Domain errors. Each maps to one HTTP status in the API's exception filter; the body shape is
 * `{ statusCode, error, message, details? }` everywhere. */
export abstract class DomainError extends Error {
  abstract readonly status: number;
  constructor(
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationFailedError extends DomainError {
  readonly status = 400;
}

export class UnauthorizedError extends DomainError {
  readonly status = 401;
}

/** Authenticated, but this key may not do this (a service key without the route's scope). */
export class ForbiddenError extends DomainError {
  readonly status = 403;
}

export class NotFoundError extends DomainError {
  readonly status = 404;
  constructor(resource: string) {
    super(`${resource} not found`);
  }
}

export class ConflictError extends DomainError {
  readonly status = 409;
}

/** A rate limit is used up; `retryAfterSeconds` goes out as the Retry-After header. */
export class TooManyRequestsError extends DomainError {
  readonly status = 429;
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message, { retryAfterSeconds });
  }
}

export class ServiceUnavailableError extends DomainError {
  readonly status = 503;
}
