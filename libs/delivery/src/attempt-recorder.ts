import { Injectable } from '@nestjs/common';
import { DeliveryRepository, type AttemptRecord } from './delivery.repository.js';

interface Pending {
  tenantId: string;
  deliveryId: string;
  attempt: AttemptRecord;
  resolve: (recorded: boolean) => void;
  reject: (err: unknown) => void;
}

/** Most attempts recorded in one statement. */
export const RECORD_BATCH_MAX = 200;
/** Statements in flight at once; attempts finishing meanwhile queue up for the next one. */
const FLUSHES_IN_FLIGHT = 2;

/** Records attempts in batches: group commit. Nothing waits for a timer: an attempt is written at
 * once when a connection is free, and attempts that finish while writes are busy share the next
 * statement. Each caller still gets its own answer only after its row has committed, so a job never
 * completes on an outcome that is not in the log. A failed batch is retried row by row, so one bad
 * row cannot fail the others. */
@Injectable()
export class AttemptRecorder {
  private queue: Pending[] = [];
  private flushing = 0;

  constructor(private readonly deliveries: DeliveryRepository) {}

  record(tenantId: string, deliveryId: string, attempt: AttemptRecord): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.queue.push({ tenantId, deliveryId, attempt, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.flushing < FLUSHES_IN_FLIGHT && this.queue.length > 0) {
      const batch = this.take();
      this.flushing++;
      void this.flush(batch).finally(() => {
        this.flushing--;
        this.pump();
      });
    }
  }

  /** The next batch, naming each delivery once (a duplicate waits for the following batch). */
  private take(): Pending[] {
    const batch: Pending[] = [];
    const rest: Pending[] = [];
    const seen = new Set<string>();
    for (const p of this.queue) {
      if (batch.length < RECORD_BATCH_MAX && !seen.has(p.deliveryId)) {
        seen.add(p.deliveryId);
        batch.push(p);
      } else rest.push(p);
    }
    this.queue = rest;
    return batch;
  }

  private async flush(batch: Pending[]): Promise<void> {
    if (batch.length === 1) return this.one(batch[0]!);
    let recorded: Set<string>;
    try {
      recorded = await this.deliveries.recordAttempts(batch);
    } catch {
      await Promise.all(batch.map((p) => this.one(p)));
      return;
    }
    for (const p of batch) p.resolve(recorded.has(p.deliveryId));
  }

  private async one(p: Pending): Promise<void> {
    try {
      p.resolve(await this.deliveries.recordAttempt(p.tenantId, p.deliveryId, p.attempt));
    } catch (err) {
      p.reject(err);
    }
  }
}
