import { Inject, Injectable } from '@nestjs/common';
import { Clock, LOGGER, type Logger } from '#libs/common';
import { RateLimitStore } from '#libs/queue';
import { AttemptSlots } from './attempt-slots.js';
import { EndpointGate, type Admission } from './endpoint-gate.js';

/** Whether a request to an endpoint may go now, decided in one place: one of the worker's request
 * slots (AttemptSlots, waited for), then a slot under the endpoint's concurrency cap in this worker
 * (EndpointGate), then a place under its rateLimitPerSecond (counted in Redis across workers; a
 * batch is one request). Otherwise: how long to wait, which is not an attempt. */
@Injectable()
export class EndpointAdmission {
  constructor(
    private readonly slots: AttemptSlots,
    private readonly gate: EndpointGate,
    private readonly rates: RateLimitStore,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async admit(endpointId: string, rateLimitPerSecond: number | null): Promise<Admission> {
    const releaseWorkerSlot = await this.slots.acquire();
    const slot = await this.gate.admit(endpointId);
    if (slot.kind === 'defer') {
      releaseWorkerSlot();
      return slot;
    }
    const wait = await this.rateWait(endpointId, rateLimitPerSecond);
    if (wait === 0) {
      return {
        kind: 'run',
        release: (attempted) => {
          slot.release(attempted);
          releaseWorkerSlot();
        },
      };
    }
    slot.release(false);
    releaseWorkerSlot();
    return { kind: 'defer', delayMs: wait };
  }

  /** Milliseconds to wait before this endpoint may take another request (0: go now). A Redis
   * failure lets the request through: a late limit is better than a stuck queue. */
  private async rateWait(endpointId: string, perSecond: number | null): Promise<number> {
    if (!perSecond) return 0;
    try {
      const d = await this.rates.hit(`ep:${endpointId}`, perSecond);
      return d.allowed ? 0 : d.retryAfterMs + Math.floor(this.clock.random() * 50);
    } catch (err) {
      this.logger.warn({ endpointId, reason: (err as Error).message }, 'endpoint rate limit unavailable, delivering anyway');
      return 0;
    }
  }
}
