import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { LOGGER, type Logger } from '#libs/common';
import { AppConfig } from '#libs/config';
import { DomainEvents } from '#libs/domain-events';
import { EndpointStatsRepository } from './endpoint-stats.repository.js';
import { StatsBuffer, attemptsOf } from './stats-buffer.js';

/** Endpoint-minutes per flush statement; more waiting go in further statements of the same flush. */
export const STATS_FLUSH_ROWS = 2000;
/** Endpoint-minutes held in memory at most (about 400 bytes each); beyond, the oldest are dropped. */
const MAX_BUFFERED_MINUTES = 50_000;
/** Counts whose flushes have failed for this long (Postgres unreachable) are dropped, with a log line. */
export const STATS_GIVE_UP_MS = 10 * 60_000;
/** How long rollup rows are kept: minutes serve the 1h window, 24-minute periods the 24h and 7d
 * windows; a day to spare on each. */
export const STATS_RETENTION_MS = { minutes: 2 * 24 * 3600_000, periods: 8 * 24 * 3600_000 } as const;
const PURGE_EVERY_MS = 3600_000;
const PURGE_FIRST_AFTER_MS = 60_000;
const PURGE_BATCH = 10_000;

/** Keeps the endpoint-stats rollup from `attempt.recorded`. The subscriber only folds the attempt
 * into an in-memory buffer of per-endpoint, per-minute counts; every ENDPOINT_STATS_FLUSH_MS the
 * buffer is written with one statement (upserting minutes and 24-minute periods) per
 * STATS_FLUSH_ROWS endpoint-minutes, never a round trip per attempt. A failed flush keeps its counts for the next tick (given up, and logged, after
 * STATS_GIVE_UP_MS); shutdown flushes what is left. Every worker also purges rows past retention. */
@Injectable()
export class EndpointStatsRecorder implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly buffer = new StatsBuffer(MAX_BUFFERED_MINUTES);
  private timer: NodeJS.Timeout | undefined;
  private purgeTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private off: (() => void) | undefined;
  private stopped = false;

  constructor(
    private readonly events: DomainEvents,
    private readonly repo: EndpointStatsRepository,
    private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.off = this.events.on('attempt.recorded', (e) => {
      this.buffer.add(e);
      this.schedule(this.buffer.size >= STATS_FLUSH_ROWS ? 0 : this.config.endpointStatsFlushMs);
    });
  }

  onApplicationBootstrap(): void {
    this.schedulePurge(PURGE_FIRST_AFTER_MS);
  }

  /** Endpoint-minutes waiting to be written. */
  get pending(): number {
    return this.buffer.size;
  }

  /** Writes everything buffered now (tests and shutdown). Resolves false if a statement failed (the
   * counts are kept for the next tick). */
  async flush(): Promise<boolean> {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.flushing) await this.flushing;
    if (this.buffer.size === 0) return true;
    let ok = true;
    this.flushing = this.flushOnce()
      .then((r) => void (ok = r))
      .finally(() => (this.flushing = undefined));
    await this.flushing;
    return ok;
  }

  private schedule(delayMs: number): void {
    if (this.timer && delayMs > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delayMs);
    this.timer.unref();
  }

  private async flushOnce(): Promise<boolean> {
    try {
      while (this.buffer.size > 0) {
        const batch = this.buffer.take(STATS_FLUSH_ROWS);
        try {
          await this.repo.add(batch);
        } catch (err) {
          const givenUp = this.buffer.putBack(batch, Date.now(), STATS_GIVE_UP_MS);
          this.logger.warn({ minutes: batch.length, attempts: batch.reduce((n, m) => n + attemptsOf(m), 0), reason: (err as Error).message }, 'endpoint stats flush failed; retrying next interval');
          if (givenUp > 0) this.logger.error({ attempts: givenUp, afterMs: STATS_GIVE_UP_MS }, 'endpoint stats given up: attempts left out of the rollup');
          this.schedule(this.config.endpointStatsFlushMs);
          return false;
        }
      }
      return true;
    } finally {
      const dropped = this.buffer.takeDropped();
      if (dropped > 0) this.logger.error({ attempts: dropped }, 'endpoint stats buffer full or given up: attempts left out of the rollup');
    }
  }

  private schedulePurge(delayMs: number): void {
    if (this.stopped) return;
    this.purgeTimer = setTimeout(() => {
      void this.purge().finally(() => this.schedulePurge(PURGE_EVERY_MS));
    }, delayMs);
    this.purgeTimer.unref();
  }

  /** Deletes rollup rows past retention, a batch at a time. */
  async purge(): Promise<number> {
    let total = 0;
    try {
      for (const rollup of ['minutes', 'periods'] as const) {
        const before = new Date(Date.now() - STATS_RETENTION_MS[rollup]);
        for (;;) {
          const n = await this.repo.purge(rollup, before, PURGE_BATCH);
          total += n;
          if (n < PURGE_BATCH) break;
        }
      }
    } catch (err) {
      this.logger.warn({ reason: (err as Error).message }, 'endpoint stats purge failed; trying again in an hour');
    }
    return total;
  }

  /** Runs after the worker's queues have closed (WorkerModule's hook comes first), so the last
   * attempts are in the buffer; Postgres is still connected. */
  async beforeApplicationShutdown(): Promise<void> {
    this.off?.();
    this.stopped = true;
    clearTimeout(this.purgeTimer);
    if (!(await this.flush())) this.logger.error({ minutes: this.buffer.size }, 'endpoint stats not written at shutdown');
    clearTimeout(this.timer);
  }
}
