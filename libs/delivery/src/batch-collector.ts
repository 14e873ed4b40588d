import { Inject, Injectable } from '@nestjs/common';
import { LOGGER, uuidv7, type Logger } from '#libs/common';
import { JobProducer } from '#libs/queue';
import { DeliveryRepository, type AttemptContext, type ClaimResult } from './delivery.repository.js';

/** Claims one delivery job makes before it gives its turn back (each forms a full batch or stops). */
const MAX_CLAIMS = 4;
/** Come back this soon when another claim holds the delivery: it will be in that batch. */
const HELD_ELSEWHERE_MS = 250;

export type CollectOutcome = { outcome: 'batched'; batchId: string } | { outcome: 'deferred'; delayMs: number };

/** Puts the pending deliveries of a batching endpoint into batches: a full batch as soon as there
 * are maxEvents of them, a partial one once the oldest has waited maxWaitMs. Each batch is a row
 * with its members (so Postgres knows what the request carries) and a `deliver-batch` job. The
 * delivery's own job ends here once its delivery is in a batch, or comes back when the batch may be due. */
@Injectable()
export class BatchCollector {
  /** The claim running in this process per endpoint: delivery jobs of the same endpoint wait for it
   * and find themselves in its batch, instead of each running a claim of its own. */
  private readonly claiming = new Map<string, Promise<ClaimResult & { batchId: string }>>();

  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly producer: JobProducer,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async collect(ctx: AttemptContext, batch: { maxEvents: number; maxWaitMs: number }): Promise<CollectOutcome> {
    for (let round = 0; round < MAX_CLAIMS; round++) {
      const running = this.claiming.get(ctx.endpoint.endpointId);
      if (running) {
        const theirs = await running.catch(() => null);
        if (theirs?.claimed.includes(ctx.deliveryId)) return { outcome: 'batched', batchId: theirs.batchId };
        continue;
      }
      const claim = this.claim(ctx, batch);
      this.claiming.set(ctx.endpoint.endpointId, claim);
      let result;
      try {
        result = await claim;
      } finally {
        if (this.claiming.get(ctx.endpoint.endpointId) === claim) this.claiming.delete(ctx.endpoint.endpointId);
      }
      if (result.claimed.includes(ctx.deliveryId)) return { outcome: 'batched', batchId: result.batchId };
      // No batch yet: wait for it to fill or for the oldest to have waited long enough.
      if (result.claimed.length === 0) return { outcome: 'deferred', delayMs: result.pending === 0 ? HELD_ELSEWHERE_MS : Math.max(result.waitMs, 1) };
      // A full batch went without this delivery (older ones came first): claim again.
    }
    return { outcome: 'deferred', delayMs: 1 };
  }

  private async claim(ctx: AttemptContext, batch: { maxEvents: number; maxWaitMs: number }): Promise<ClaimResult & { batchId: string }> {
    const batchId = uuidv7();
    const { tenantId, endpoint } = ctx;
    const result = await this.deliveries.claimBatch({ tenantId, endpointId: endpoint.endpointId, batchId, maxEvents: batch.maxEvents, maxWaitMs: batch.maxWaitMs, payloadFormat: endpoint.payloadFormat });
    if (result.claimed.length > 0) {
      this.logger.debug({ tenantId, endpointId: endpoint.endpointId, batchId, size: result.claimed.length }, 'batch formed');
      // The batch is committed: if this add fails, the reconciler finds its members and adds it.
      await this.producer.enqueueBatches([{ tenantId, batchId, endpointId: endpoint.endpointId }]);
    }
    return { ...result, batchId };
  }
}
