import { Injectable } from '@nestjs/common';
import { Batcher, BatchSizes } from '#libs/common';
import { DeliveryRepository, type AttemptContext } from './delivery.repository.js';

interface DeliveryKey {
  tenantId: string;
  deliveryId: string;
}

/** Loads what an attempt needs; concurrent attempts share one query (see Batcher), a lone one is a batch of one. */
@Injectable()
export class AttemptLoader {
  private readonly batcher: Batcher<DeliveryKey, AttemptContext | null>;

  constructor(deliveries: DeliveryRepository, sizes: BatchSizes) {
    this.batcher = new Batcher({
      maxBatch: 200,
      maxInFlight: 1,
      onBatch: sizes.reporter('attempt-load'),
      runOne: async (k) => (await deliveries.loadManyForAttempt([k]))[0] ?? null,
      runMany: (keys) => deliveries.loadManyForAttempt(keys),
    });
  }

  load(tenantId: string, deliveryId: string): Promise<AttemptContext | null> {
    return this.batcher.submit({ tenantId, deliveryId });
  }
}
