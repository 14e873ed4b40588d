import { Inject, Injectable } from '@nestjs/common';
import { Clock, LOGGER, type Logger } from '#libs/common';
import { AppConfig } from '#libs/config';
import { classifyAttempt, DomainEvents } from '#libs/domain-events';
import { EndpointSecretCipher } from '#libs/endpoints';
import { RateLimitStore } from '#libs/queue';
import { AttemptLoader } from './attempt-loader.js';
import { AttemptRecorder } from './attempt-recorder.js';
import { DeliveryRepository } from './delivery.repository.js';
import { redactEcho, sensitiveOutgoing } from './redact-echo.js';
import { RetryPolicy, type Verdict } from './retry-policy.js';
import { signatureHeader } from './signing.js';
import { buildWebhookBody } from './webhook-payload.js';
import { WebhookSender } from './webhook-sender.js';

export const USER_AGENT = 'Hookrelay-Webhooks/0.1 (+https://www.standardwebhooks.com)';

/** `throttled`: the endpoint's rateLimitPerSecond is used up; no attempt was made or counted. */
export type AttemptOutcome = Verdict | { outcome: 'skipped'; reason: string } | { outcome: 'throttled'; delayMs: number };

@Injectable()
export class DeliveryService {
  private readonly policy: RetryPolicy;

  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly loader: AttemptLoader,
    private readonly recorder: AttemptRecorder,
    private readonly sender: WebhookSender,
    private readonly clock: Clock,
    config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly secrets: EndpointSecretCipher,
    private readonly rates: RateLimitStore,
    private readonly events: DomainEvents,
  ) {
    this.policy = new RetryPolicy(config.retryScheduleSeconds, () => clock.random());
  }

  /** Makes the next attempt of a delivery and records it. Safe to call again for the same
   * delivery: a finished delivery is skipped, and the attempt count guards the write. `series` is
   * the job's: a job left over from an earlier series of attempts (a stalled one run again after
   * the delivery was sent again) leaves the delivery to the job of its current series. */
  async attempt(tenantId: string, deliveryId: string, series = 0): Promise<AttemptOutcome> {
    const ctx = await this.loader.load(tenantId, deliveryId);
    if (!ctx) return { outcome: 'skipped', reason: 'delivery not found' };
    if (ctx.status !== 'pending') return { outcome: 'skipped', reason: `delivery already ${ctx.status}` };
    if (ctx.series !== series) return { outcome: 'skipped', reason: `job of series ${series}, delivery in series ${ctx.series}` };
    if (!ctx.endpointActive) {
      const failed = await this.deliveries.failWithoutAttempt(tenantId, deliveryId, 'endpoint disabled or deleted');
      if (failed) this.events.emit('delivery.abandoned', { tenantId, deliveryId, endpointId: ctx.endpointId, reason: 'endpoint disabled or deleted' });
      this.logger.info({ outcome: 'failed', deliveryId, tenantId, eventId: ctx.eventId, endpointId: ctx.endpointId }, `failed ${ctx.eventType} to ${logTarget(ctx.endpointUrl)}: endpoint disabled or deleted, not sent`);
      return { outcome: 'failed', reason: 'endpoint disabled or deleted' };
    }

    const throttle = await this.endpointThrottle(ctx.endpointId, ctx.endpointRateLimitPerSecond);
    if (throttle > 0) return { outcome: 'throttled', delayMs: throttle };

    const attemptNumber = ctx.attemptCount + 1;
    const secrets = ctx.endpointSecrets.map((s) => this.secrets.open(ctx.endpointId, s.ciphertext, s.keyId));
    const customHeaders = this.secrets.openHeaders(ctx.endpointId, ctx.endpointHeaders);
    const body = buildWebhookBody({ id: ctx.eventId, type: ctx.eventType, createdAt: ctx.eventCreatedAt, dataJson: ctx.eventDataJson });
    const startedAt = new Date(this.clock.now());
    const timestamp = Math.floor(startedAt.getTime() / 1000);
    const signature = signatureHeader(secrets, ctx.eventId, timestamp, body);
    const result = await this.sender.send({
      url: ctx.endpointUrl,
      body,
      headers: {
        ...customHeaders,
        'content-type': 'application/json',
        'user-agent': USER_AGENT,
        'webhook-id': ctx.eventId,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signature,
        'x-webhook-event': ctx.eventType,
        'x-webhook-delivery': ctx.deliveryId,
      },
    });
    const verdict = this.policy.decide(result, attemptNumber, ctx.seriesStart);
    const status = verdict.outcome === 'retry' ? 'pending' : verdict.outcome;
    const record = {
      attemptNumber,
      startedAt,
      durationMs: result.durationMs,
      responseStatus: result.kind === 'response' ? result.status : null,
      errorKind: result.kind === 'error' ? result.errorKind : null,
      errorMessage: result.kind === 'error' ? result.message : null,
      responseBody: result.kind === 'response' ? redactEcho(result.body, sensitiveOutgoing(signature, customHeaders)) : null,
      status,
      nextAttemptAt: verdict.outcome === 'retry' ? new Date(this.clock.now() + verdict.delayMs) : null,
      lastError: verdict.outcome === 'succeeded' ? null : verdict.reason,
    } as const;
    const recorded = await this.recorder.record(tenantId, deliveryId, record);
    const answer = result.kind === 'response' ? result.status : result.errorKind;
    const log = { status: answer, durationMs: result.durationMs, attempt: attemptNumber, outcome: verdict.outcome, deliveryId, tenantId, eventId: ctx.eventId, endpointId: ctx.endpointId };
    if (!recorded) {
      this.logger.warn(log, 'attempt made but another run recorded this attempt number first');
      return { outcome: 'skipped', reason: 'attempt recorded by another run' };
    }
    this.events.emit('attempt.recorded', {
      tenantId,
      deliveryId,
      eventId: ctx.eventId,
      eventType: ctx.eventType,
      endpointId: ctx.endpointId,
      attemptNumber,
      startedAt,
      durationMs: result.durationMs,
      result: classifyAttempt(record.responseStatus, record.errorKind),
      responseStatus: record.responseStatus,
      errorKind: record.errorKind,
      deliveryStatus: status,
      nextAttemptAt: record.nextAttemptAt,
      reason: record.lastError,
    });
    // One line per outcome: what happened and where in the message, status and duration as fields.
    const what = `${ctx.eventType} to ${logTarget(ctx.endpointUrl)}`;
    if (verdict.outcome === 'succeeded') this.logger.info(log, `delivered ${what}`);
    else if (verdict.outcome === 'retry') this.logger.info({ ...log, retryInMs: verdict.delayMs }, `retrying ${what}`);
    else this.logger.info({ ...log, reason: verdict.reason }, `failed ${what}${attemptNumber >= this.policy.maxAttempts ? '' : ', not retried'}`);
    return verdict;
  }

  /** Milliseconds to wait before this endpoint may take another delivery (0: go now). A Redis
   * failure lets the delivery through: a late limit is better than a stuck queue. */
  private async endpointThrottle(endpointId: string, perSecond: number | null): Promise<number> {
    if (!perSecond) return 0;
    try {
      const d = await this.rates.hit(`ep:${endpointId}`, perSecond);
      return d.allowed ? 0 : d.retryAfterMs + Math.floor(this.clock.random() * 50);
    } catch (err) {
      this.logger.warn({ endpointId, reason: (err as Error).message }, 'endpoint rate limit unavailable, delivering anyway');
      return 0;
    }
  }
}

/** An endpoint URL as logs show it: no credentials, query or fragment (they may hold tokens). */
function logTarget(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid url)';
  }
}

