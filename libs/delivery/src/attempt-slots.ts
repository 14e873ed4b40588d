import { Injectable } from '@nestjs/common';
import { AppConfig } from '#libs/config';

/** Smoothing of the members per delivery job (a group job carries many, any other job one). */
const MEMBERS_WEIGHT = 0.1;

/** The requests one worker has in flight, at most WORKER_CONCURRENCY: a delivery job holds one
 * BullMQ slot for one request, but a group job holds one slot for many, so the bound is kept here
 * for both. First come, first served.
 *
 * It also tells the worker how many delivery jobs to hold (`onJobConcurrency`): enough to fill the
 * slots twice over at the recent members per job (WORKER_CONCURRENCY for single deliveries, 4 for
 * groups of 50 at 100 slots), and 1 while a full round of requests already waits for a slot, until
 * under half a round does. BullMQ fetches up to its concurrency before it starts any of them, so
 * without this a worker would lock up to WORKER_CONCURRENCY group jobs, thousands of deliveries that
 * no other worker may take meanwhile and that all wait out the stall timeout if this worker dies. A
 * group job that starts while the slots are saturated goes back to Redis whole (attemptGroup). */
@Injectable()
export class AttemptSlots {
  readonly size: number;
  private free: number;
  private readonly waiters: Array<() => void> = [];
  private pressed = false;
  /** Members of groups being loaded: they will ask for slots as soon as they are loaded. */
  private expected = 0;
  private membersPerJob = 1;
  private advised: number;
  private readonly listeners: Array<(jobs: number) => void> = [];

  constructor(config: AppConfig) {
    this.size = config.workerConcurrency;
    this.free = this.size;
    this.advised = this.size;
  }

  /** Resolves with a release function once a slot is free; call it exactly once. */
  async acquire(): Promise<() => void> {
    if (this.free > 0) this.free--;
    else {
      const turn = new Promise<void>((resolve) => this.waiters.push(resolve));
      this.update();
      await turn;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) {
        next();
        this.update();
      } else this.free++;
    };
  }

  /** Counts `n` requests about to ask for slots (a group job's members, while they load) as waiting
   * already, so that groups starting together do not all load before one of them saturates the
   * slots. Call the returned function once they have asked (or will not). */
  expect(n: number): () => void {
    this.expected += n;
    this.update();
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.expected -= n;
      this.update();
    };
  }

  /** A delivery job started carrying `members` deliveries. */
  jobStarted(members: number): void {
    this.membersPerJob += MEMBERS_WEIGHT * (members - this.membersPerJob);
    this.update();
  }

  /** Called with the number of delivery jobs the worker should hold whenever it changes. */
  onJobConcurrency(listener: (jobs: number) => void): void {
    this.listeners.push(listener);
  }

  /** True from when a full round of requests waits for a slot until under half a round does. */
  get saturated(): boolean {
    return this.pressed;
  }

  /** Delivery jobs worth holding now (see the class comment). */
  get jobConcurrency(): number {
    return this.advised;
  }

  /** Requests in flight (for tests and diagnostics). */
  inUse(): number {
    return this.size - this.free;
  }

  /** Requests waiting for a slot (for tests and diagnostics). */
  waiting(): number {
    return this.waiters.length;
  }

  private update(): void {
    const queued = this.waiters.length + Math.max(0, this.expected - this.free);
    this.pressed = this.pressed ? queued > this.size / 2 : queued >= this.size;
    const jobs = this.pressed ? 1 : Math.max(2, Math.min(this.size, Math.ceil((2 * this.size) / this.membersPerJob)));
    if (jobs === this.advised) return;
    this.advised = jobs;
    for (const l of this.listeners) l(jobs);
  }
}
