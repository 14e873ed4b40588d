import { Inject, Injectable, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { LOGGER, type Logger } from '#libs/common';
import { AppConfig } from '#libs/config';
import { DomainEvents, type AttemptRecordedEvent } from '#libs/domain-events';
import { isReservedEventType } from '#libs/endpoints';
import { EndpointHealthRepository, type HealthRules } from './endpoint-health.repository.js';
import { HealthFold } from './health-summary.js';

/** How long attempts gather before a flush, and how many start one at once. */
export const HEALTH_FLUSH_MS = 250;
export const HEALTH_FLUSH_SIZE = 2000;
const RETRY_MS = 1000;

/** Keeps endpoint health (and decides alerts and auto-disable) from `attempt.recorded`. The
 * subscriber folds each attempt into its endpoint's summary (HealthFold: nothing of the attempt is
 * kept but a failure's reason and the first failed ids, and memory grows with the endpoints, not the
 * attempts, even while Postgres is down); a timer flushes the summaries in one statement for every
 * endpoint in them (EndpointHealthRepository.apply), and shutdown flushes what is left. Attempts of
 * hookrelay.* events are left out, so an operational event that cannot be delivered never raises
 * another alert. */
@Injectable()
export class EndpointHealthRecorder implements OnModuleInit, BeforeApplicationShutdown {
  private pending = new HealthFold();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private off: (() => void) | undefined;
  private lastFlushAt = 0;
  private readonly rules: HealthRules;

  constructor(
    private readonly events: DomainEvents,
    private readonly repo: EndpointHealthRepository,
    config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.rules = {
      failingAlertAfter: config.endpointFailingAlertAfter,
      disableAfterMs: config.endpointDisableAfterMs,
      disableMinFailures: config.endpointDisableMinFailures,
      dedupeMs: config.alertDedupeMs,
      email: config.smtp !== null,
    };
  }

  onModuleInit(): void {
    this.off = this.events.on('attempt.recorded', (e) => this.note(e));
  }

  note(e: AttemptRecordedEvent): void {
    if (isReservedEventType(e.eventType)) return;
    this.pending.add(e);
    this.schedule(this.pending.attempts >= HEALTH_FLUSH_SIZE ? 0 : HEALTH_FLUSH_MS);
  }

  /** Writes everything folded so far (tests and shutdown). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.flushing) await this.flushing;
    if (this.pending.attempts === 0) return;
    this.flushing = this.flushOnce().finally(() => (this.flushing = undefined));
    await this.flushing;
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

  private async flushOnce(): Promise<void> {
    const batch = this.pending;
    this.pending = new HealthFold();
    try {
      // Strictly increasing: the flush time marks this flush's transitions (see apply).
      this.lastFlushAt = Math.max(Date.now(), this.lastFlushAt + 1);
      const applied = await this.repo.apply(batch.summaries(), this.rules, new Date(this.lastFlushAt));
      let alerted = 0;
      for (const a of applied) {
        if (a.alerted) alerted++;
        if (a.disabled) {
          this.logger.warn({ tenantId: a.tenantId, endpointId: a.endpointId, reason: a.disabledReason }, 'endpoint disabled: its deliveries kept failing');
          this.events.emit('endpoint.disabled', { tenantId: a.tenantId, endpointId: a.endpointId, reason: a.disabledReason ?? '', disabledAt: a.disabledAt ?? new Date() });
        }
      }
      if (alerted > 0) this.events.emit('alerts.queued', { endpoints: alerted });
    } catch (err) {
      this.logger.warn({ attempts: batch.attempts, reason: (err as Error).message }, 'endpoint health flush failed; retrying');
      // Keep these attempts' summaries ahead of those that arrived meanwhile, and try again.
      this.pending = batch.append(this.pending);
      this.schedule(RETRY_MS);
    }
  }

  /** Runs after the worker's queues have closed (WorkerModule's hook comes first), so the last
   * attempts are folded in; Postgres is still connected. */
  async beforeApplicationShutdown(): Promise<void> {
    this.off?.();
    await this.flush();
    clearTimeout(this.timer);
  }
}
