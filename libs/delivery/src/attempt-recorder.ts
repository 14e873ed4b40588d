import { Injectable } from '@nestjs/common';
import { Batcher, BatchSizes } from '#libs/common';
import { DeliveryRepository, type AttemptUnit } from './delivery.repository.js';

/** Records attempts in batches (group commit; see Batcher), single deliveries and batches alike in
 * one statement. Each caller is answered only after its rows have committed, so a job never
 * completes on an outcome that is not in the log, and every row keeps its own attempt-count guard. */
@Injectable()
export class AttemptRecorder {
  private readonly batcher: Batcher<AttemptUnit, Set<string>>;

  constructor(deliveries: DeliveryRepository, sizes: BatchSizes) {
    const runMany = async (units: AttemptUnit[]) => {
      const recorded = await deliveries.recordAttempts(units);
      return units.map((u) => new Set(u.rows.filter((r) => recorded.has(r.deliveryId)).map((r) => r.deliveryId)));
    };
    this.batcher = new Batcher({
      maxBatch: 200,
      maxInFlight: 1,
      onBatch: sizes.reporter('attempt-record'),
      // A delivery appears once per statement: a unit is keyed by its batch, or its one delivery.
      key: (u) => u.batch?.batchId ?? u.rows[0]?.deliveryId ?? '',
      runOne: async (u) => (await runMany([u]))[0]!,
      runMany,
    });
  }

  /** The deliveries of `unit` whose attempt was recorded (none when another run recorded it first). */
  record(unit: AttemptUnit): Promise<Set<string>> {
    return this.batcher.submit(unit);
  }
}
