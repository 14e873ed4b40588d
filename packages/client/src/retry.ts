/** How the client retries the answers that ask it to come back: 429 and 503. */
export interface RetryOptions {
  /** Retries after the first attempt (0: none). Default 3. */
  retries: number;
  /** Statuses retried. Default [429, 503]. */
  statuses: readonly number[];
  /** The wait when the response has no Retry-After: baseDelayMs × 2^retry. Default 500. */
  baseDelayMs: number;
  /** The longest wait the client accepts; a longer Retry-After is returned to the caller as the
   * error (its retryAfterMs says how long). Default 60 000. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: Readonly<RetryOptions> = { retries: 3, statuses: [429, 503], baseDelayMs: 500, maxDelayMs: 60_000 };

/** Retry-After (delta seconds or an HTTP date, RFC 9110) in milliseconds from `now`; undefined when
 * absent or unreadable. A date in the past is 0. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  if (!/[a-z]/i.test(v)) return undefined;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** How long to wait before retry number `retry` (0-based) of a response with `status`, or
 * undefined when it is not retried. */
export function retryDelay(opts: RetryOptions, retry: number, status: number, retryAfter: string | null, now: number = Date.now()): number | undefined {
  if (retry >= opts.retries || !opts.statuses.includes(status)) return undefined;
  const delay = parseRetryAfter(retryAfter, now) ?? opts.baseDelayMs * 2 ** retry;
  return delay <= opts.maxDelayMs ? delay : undefined;
}

/** A fetch that sends a request again after a retried status, waiting as retryDelay says; the
 * last response is returned as it came. Aborting the request's signal ends a wait. */
export function retryingFetch(opts: RetryOptions, send: (request: Request) => Promise<Response>): (request: Request) => Promise<Response> {
  return async (request) => {
    for (let retry = 0; ; retry++) {
      // The body can be read once: every attempt but the last sends a copy.
      const response = await send(request.clone());
      const delay = retryDelay(opts, retry, response.status, response.headers.get('retry-after'));
      if (delay === undefined) return response;
      await response.body?.cancel().catch(() => undefined);
      await sleep(delay, request.signal);
    }
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
