/** Thrown by the delivery processor when an attempt should be retried; carries the computed wait
 * that the `delivery` backoff strategy hands to BullMQ. */
export class RetryLaterError extends Error {
  constructor(
    readonly delayMs: number,
    reason: string,
  ) {
    super(`retry in ${delayMs} ms: ${reason}`);
    this.name = 'RetryLaterError';
  }
}

/** Infrastructure failures (Postgres unreachable, say) that escape the domain retry quickly. */
const INFRA_RETRY_BASE_MS = 1000;
const INFRA_RETRY_MAX_MS = 30_000;

/** BullMQ custom backoff: the domain's computed delay for a RetryLaterError, a short capped
 * exponential wait for anything unexpected. */
export function deliveryBackoff(attemptsMade: number, _type?: string, err?: Error): number {
  if (err instanceof RetryLaterError) return err.delayMs;
  return Math.min(INFRA_RETRY_BASE_MS * 2 ** Math.max(0, attemptsMade - 1), INFRA_RETRY_MAX_MS);
}
