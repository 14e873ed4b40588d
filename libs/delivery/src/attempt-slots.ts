import { Injectable } from '@nestjs/common';
import { AppConfig } from '#libs/config';

/** The requests one worker has in flight, at most WORKER_CONCURRENCY: a delivery job holds one
 * BullMQ slot for one request, but a group job holds one slot for many, so the bound is kept here
 * for both. First come, first served.
 *
 * Backpressure: once a full round of requests waits for a slot, `onPressure(true)` tells the worker
 * to take no more jobs, and a group job that starts meanwhile goes back to Redis (attemptGroup);
 * below half a round, `onPressure(false)`. Without it, a worker could lock up to WORKER_CONCURRENCY
 * group jobs, thousands of deliveries that no other worker may take meanwhile and that all wait out
 * the stall timeout if this worker dies. */
@Injectable()
export class AttemptSlots {
  readonly size: number;
  private free: number;
  private readonly waiters: Array<() => void> = [];
  private pressed = false;
  /** Members of groups being loaded: they will ask for slots as soon as they are loaded. */
  private expected = 0;
  private readonly listeners: Array<(saturated: boolean) => void> = [];

  constructor(config: AppConfig) {
    this.size = config.workerConcurrency;
    this.free = this.size;
  }

  /** Resolves with a release function once a slot is free; call it exactly once. */
  async acquire(): Promise<() => void> {
    if (this.free > 0) this.free--;
    else {
      const turn = new Promise<void>((resolve) => this.waiters.push(resolve));
      this.notePressure();
      await turn;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) {
        next();
        this.notePressure();
      } else this.free++;
    };
  }

  /** Counts `n` requests about to ask for slots (a group job's members, while they load) as waiting
   * already, so that groups starting together do not all load before one of them saturates the
   * slots. Call the returned function once they have asked (or will not). */
  expect(n: number): () => void {
    this.expected += n;
    this.notePressure();
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.expected -= n;
      this.notePressure();
    };
  }

  /** Called with true when a full round of requests waits for a slot, false once under half a round. */
  onPressure(listener: (saturated: boolean) => void): void {
    this.listeners.push(listener);
  }

  /** True from when a full round of requests waits for a slot until under half a round does. */
  get saturated(): boolean {
    return this.pressed;
  }

  /** Requests waiting for a slot (for tests and diagnostics). */
  waiting(): number {
    return this.waiters.length;
  }

  private notePressure(): void {
    const queued = this.waiters.length + Math.max(0, this.expected - this.free);
    const saturated = this.pressed ? queued > this.size / 2 : queued >= this.size;
    if (saturated === this.pressed) return;
    this.pressed = saturated;
    for (const l of this.listeners) l(saturated);
  }

  /** Requests in flight (for tests and diagnostics). */
  inUse(): number {
    return this.size - this.free;
  }
}
