import { Injectable } from '@nestjs/common';
import { Clock } from '#libs/common';
import { AppConfig } from '#libs/config';

/** Run the attempt now (call `release` when it is over; `release(false)` when no request was made,
 * so its duration says nothing about the endpoint), or give the worker slot back and come back later. */
export type Admission = { kind: 'run'; release: (attempted?: boolean) => void } | { kind: 'defer'; delayMs: number };

/** How long a job may hold its worker slot waiting for its endpoint to free up. */
export const GATE_MAX_WAIT_MS = 250;
/** The furthest a deferred job is pushed out; a backlog is re-examined at least this often. */
export const GATE_MAX_DEFER_MS = 30_000;
const GATE_MIN_DEFER_MS = 100;
const EWMA_WEIGHT = 0.2;

interface EndpointState {
  inFlight: number;
  /** Start times of the attempts in flight (oldest first). */
  starts: number[];
  /** Smoothed duration of this endpoint's recent attempts, ms. */
  ewmaMs: number;
  waiters: Array<(granted: boolean) => void>;
  /** Deferred jobs are handed out return times spaced from here, so they come back at the rate the endpoint absorbs. */
  horizon: number;
}

/** Caps the attempts in flight to one endpoint within this worker, so a slow or hanging endpoint
 * holds a bounded share of the worker's slots. Over the cap, a job for a fast endpoint waits briefly
 * in memory for a turn; a job for a slow one is deferred (moved back to the delayed set) to about
 * when its turn comes, each deferral spaced by the endpoint's own pace, so deferrals cost O(1) per
 * job rather than a retry loop over the whole backlog. */
@Injectable()
export class EndpointGate {
  readonly cap: number;
  private readonly endpoints = new Map<string, EndpointState>();

  constructor(
    config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.cap = config.endpointConcurrency;
  }

  async admit(endpointId: string): Promise<Admission> {
    const s = this.state(endpointId);
    if (s.inFlight < this.cap) return this.run(endpointId, s);
    if (this.estimateMs(s) <= GATE_MAX_WAIT_MS && (await this.waitForTurn(s))) return this.run(endpointId, s, true);
    return { kind: 'defer', delayMs: this.deferral(s) };
  }

  /** Attempts in flight to one endpoint (for tests and diagnostics). */
  inFlight(endpointId: string): number {
    return this.endpoints.get(endpointId)?.inFlight ?? 0;
  }

  private state(endpointId: string): EndpointState {
    let s = this.endpoints.get(endpointId);
    if (!s) {
      s = { inFlight: 0, starts: [], ewmaMs: 0, waiters: [], horizon: 0 };
      this.endpoints.set(endpointId, s);
    }
    return s;
  }

  /** `handedOver`: the slot was passed on by a releasing attempt, which did not decrement. */
  private run(endpointId: string, s: EndpointState, handedOver = false): Admission {
    if (!handedOver) s.inFlight++;
    const started = this.clock.now();
    s.starts.push(started);
    let released = false;
    return {
      kind: 'run',
      release: (attempted = true) => {
        if (released) return;
        released = true;
        const duration = this.clock.now() - started;
        if (attempted) s.ewmaMs = s.ewmaMs === 0 ? duration : s.ewmaMs + EWMA_WEIGHT * (duration - s.ewmaMs);
        s.starts.splice(s.starts.indexOf(started), 1);
        const next = s.waiters.shift();
        if (next) return next(true);
        s.inFlight--;
        if (s.inFlight === 0 && s.horizon <= this.clock.now()) this.endpoints.delete(endpointId);
      },
    };
  }

  /** How long an attempt to this endpoint takes now: its recent average, or longer if the oldest
   * one in flight has already taken longer (a hanging endpoint shows up before any attempt ends). */
  private estimateMs(s: EndpointState): number {
    const oldest = s.starts[0];
    return Math.max(s.ewmaMs, oldest === undefined ? 0 : this.clock.now() - oldest);
  }

  private waitForTurn(s: EndpointState): Promise<boolean> {
    return new Promise((resolve) => {
      const waiter = (granted: boolean) => {
        clearTimeout(timer);
        resolve(granted);
      };
      const timer = setTimeout(() => {
        const i = s.waiters.indexOf(waiter);
        if (i >= 0) s.waiters.splice(i, 1);
        resolve(false);
      }, GATE_MAX_WAIT_MS);
      s.waiters.push(waiter);
    });
  }

  private deferral(s: EndpointState): number {
    const now = this.clock.now();
    const estimate = this.estimateMs(s);
    const oldest = s.starts[0] ?? now;
    const firstFree = now + Math.max(GATE_MIN_DEFER_MS, oldest + estimate - now);
    const at = Math.max(firstFree, s.horizon);
    s.horizon = Math.min(at, now + GATE_MAX_DEFER_MS) + estimate / this.cap;
    return Math.min(at - now, GATE_MAX_DEFER_MS);
  }
}
