import { Injectable } from '@nestjs/common';
import { Batcher, BatchSizes } from '#libs/common';
import { DeliveryRepository, type AttemptRecord } from './delivery.repository.js';

interface AttemptToRecord {
  tenantId: string;
  deliveryId: string;
  attempt: AttemptRecord;
}

/** Records attempts in batches (group commit; see Batcher). Each caller is answered only after its
 * row has committed, so a job never completes on an outcome that is not in the log, and every row
 * keeps its own attempt-count guard. */
@Injectable()
export class AttemptRecorder {
  private readonly batcher: Batcher<AttemptToRecord, boolean>;

  constructor(deliveries: DeliveryRepository, sizes: BatchSizes) {
    this.batcher = new Batcher({
      maxBatch: 200,
      maxInFlight: 1,
      onBatch: sizes.reporter('attempt-record'),
      key: (a) => a.deliveryId,
      runOne: (a) => deliveries.recordAttempt(a.tenantId, a.deliveryId, a.attempt),
      runMany: async (batch) => {
        const recorded = await deliveries.recordAttempts(batch);
        return batch.map((a) => recorded.has(a.deliveryId));
      },
    });
  }

  record(tenantId: string, deliveryId: string, attempt: AttemptRecord): Promise<boolean> {
    return this.batcher.submit({ tenantId, deliveryId, attempt });
  }
}
