import { Injectable } from '@nestjs/common';
import { AppConfig } from '#libs/config';

/** The requests one worker has in flight, at most WORKER_CONCURRENCY: a delivery job holds one
 * BullMQ slot for one request, but a group job holds one slot for many, so the bound is kept here
 * for both. First come, first served. */
@Injectable()
export class AttemptSlots {
  readonly size: number;
  private free: number;
  private readonly waiters: Array<() => void> = [];

  constructor(config: AppConfig) {
    this.size = config.workerConcurrency;
    this.free = this.size;
  }

  /** Resolves with a release function once a slot is free; call it exactly once. */
  async acquire(): Promise<() => void> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiters.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next();
      else this.free++;
    };
  }

  /** Requests in flight (for tests and diagnostics). */
  inUse(): number {
    return this.size - this.free;
  }
}
