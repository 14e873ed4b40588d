/** How the purge yields to the delivery path (bench/README.md, Retention). */
export interface RetentionPacing {
  /** Events per statement at most (with their deliveries and attempts). */
  maxBatch: number;
  minBatch: number;
  /** A statement that runs longer than this is cut: a long one holds its locks and the disk that long. */
  targetBatchMs: number;
  /** Share of the time the purge works: after a batch it rests `took * (1 - d) / d`. */
  dutyCycle: number;
  /** Fan-out and delivery jobs waiting at or above this: the delivery path is behind. */
  backlogJobs: number;
  /** The rest after a batch while the delivery path is behind. */
  backlogRestMs: number;
}

export const RETENTION_PACING: Readonly<RetentionPacing> = {
  maxBatch: 500,
  minBatch: 20,
  targetBatchMs: 100,
  dutyCycle: 0.2,
  backlogJobs: 100,
  backlogRestMs: 2_000,
};

/** Sizes the next batch and the rest before it from how long the last one took and whether the
 * delivery path is behind. Pure: the service measures, this decides. */
export class RetentionPacer {
  private size: number;

  constructor(private readonly pacing: Readonly<RetentionPacing> = RETENTION_PACING) {
    this.size = pacing.maxBatch;
  }

  /** Events the next statement removes at most. */
  get batch(): number {
    return this.size;
  }

  /** After a batch of `batch` events that took `tookMs`: adjusts the batch and returns the rest in ms. */
  after(tookMs: number, waitingJobs: number): number {
    const p = this.pacing;
    // A statement's time grows with its rows, so scale it back to the target at once...
    if (tookMs > p.targetBatchMs) this.size = Math.max(p.minBatch, Math.floor((this.size * p.targetBatchMs) / tookMs));
    // ...and grow slowly while well under it, so one fast batch does not undo a slow spell.
    else if (tookMs < p.targetBatchMs / 2) this.size = Math.min(p.maxBatch, Math.ceil(this.size * 1.25));
    const rest = Math.ceil((tookMs * (1 - p.dutyCycle)) / p.dutyCycle);
    return waitingJobs >= p.backlogJobs ? Math.max(rest, p.backlogRestMs) : rest;
  }
}
