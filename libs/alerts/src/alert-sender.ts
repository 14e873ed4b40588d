import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { LOGGER, type Logger } from '#libs/common';
import { AppConfig } from '#libs/config';
import { DomainEvents } from '#libs/domain-events';
import { RESERVED_EVENT_TYPE_PREFIX } from '#libs/endpoints';
import { EventService } from '#libs/events';
import { renderAlertEmail } from './alert-email.js';
import { AlertMailer } from './alert-mailer.js';
import { AlertOutboxRepository, type ClaimedAlert } from './alert-outbox.repository.js';

/** An alert not sent within this long of its decision is given up (and logged). */
export const ALERT_GIVE_UP_MS = 24 * 3600 * 1000;
const MAX_BACKOFF_MS = 3600 * 1000;
const CLAIM_BATCH = 20;
/** A claimed row is due again after this, should its process die mid-send. */
const LEASE_MS = 60_000;
const PURGE_EVERY_MS = 3600 * 1000;
const MIN_KEEP_MS = 7 * 24 * 3600 * 1000;

/** The worker's alert loop: claims due outbox rows and sends them. A webhook alert becomes a
 * hookrelay.* event of the tenant (idempotency key = the row id, so a re-run stores it once); an
 * email goes out over SMTP. A failure is retried with exponential backoff from ALERT_OUTBOX_POLL_MS
 * (at most an hour apart) and given up after 24 h, so an SMTP outage delays mail and loses none. */
@Injectable()
export class AlertSender implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private lastPurge = 0;
  private off: (() => void) | undefined;

  constructor(
    private readonly outbox: AlertOutboxRepository,
    private readonly mailer: AlertMailer,
    private readonly events: EventService,
    private readonly domainEvents: DomainEvents,
    private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.stopped = false;
    this.off = this.domainEvents.on('alerts.queued', () => this.wake());
    this.schedule(0);
  }

  /** Runs a pass now (or right after the one running). */
  wake(): void {
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.pass().then(() => undefined).finally(() => {
        this.running = undefined;
        const soon = this.again;
        this.again = false;
        this.schedule(soon ? 0 : this.config.alertOutboxPollMs);
      });
    }, delayMs);
    this.timer.unref();
  }

  /** Sends everything due; returns how many rows it handled. */
  async pass(): Promise<number> {
    let handled = 0;
    try {
      for (;;) {
        const rows = await this.outbox.claim(CLAIM_BATCH, LEASE_MS);
        for (const row of rows) await this.handle(row);
        handled += rows.length;
        if (rows.length < CLAIM_BATCH || this.stopped) break;
      }
      if (Date.now() - this.lastPurge > PURGE_EVERY_MS) {
        this.lastPurge = Date.now();
        await this.outbox.purge(Math.max(MIN_KEEP_MS, this.config.alertDedupeMs));
      }
    } catch (err) {
      this.logger.warn({ reason: (err as Error).message }, 'alert pass failed; trying again next interval');
    }
    return handled;
  }

  private async handle(row: ClaimedAlert): Promise<void> {
    const log = { tenantId: row.tenantId, endpointId: row.endpointId, alertId: row.id, kind: row.kind, channel: row.channel, attempt: row.attempts };
    try {
      if (row.channel === 'webhook') {
        await this.events.dispatchOperational(row.tenantId, { type: `${RESERVED_EVENT_TYPE_PREFIX}${row.kind}`, data: { ...row.data }, idempotencyKey: `hookrelay-alert:${row.id}` });
      } else {
        await this.mailer.send(row.recipients, renderAlertEmail(row.kind, row.data));
      }
      await this.outbox.markDone(row.id);
      this.logger.info(log, row.channel === 'email' ? 'alert emailed' : 'alert event dispatched');
      this.outcome(row, 'sent');
    } catch (err) {
      const reason = (err as Error).message;
      if (Date.now() - row.createdAt.getTime() >= ALERT_GIVE_UP_MS) {
        await this.outbox.giveUp(row.id, reason);
        this.logger.error({ ...log, reason }, 'alert given up: not sent within 24 h');
        this.outcome(row, 'given_up');
      } else {
        const delayMs = Math.min(MAX_BACKOFF_MS, this.config.alertOutboxPollMs * 2 ** Math.min(20, row.attempts - 1));
        await this.outbox.retryLater(row.id, delayMs, reason);
        this.logger.warn({ ...log, reason, retryInMs: delayMs }, 'alert not sent; will retry');
        this.outcome(row, 'failed');
      }
    }
  }

  private outcome(row: ClaimedAlert, outcome: 'sent' | 'failed' | 'given_up'): void {
    this.domainEvents.emit('alert.sent', { channel: row.channel, kind: row.kind, tenantId: row.tenantId, endpointId: row.endpointId, outcome });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.off?.();
    clearTimeout(this.timer);
    if (this.running) await this.running;
  }
}
