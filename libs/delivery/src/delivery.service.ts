import { Inject, Injectable } from '@nestjs/common';
import { Clock, LOGGER, type Logger } from '#libs/common';
import { AppConfig } from '#libs/config';
import { classifyAttempt, DomainEvents } from '#libs/domain-events';
import { JobProducer, type DeliveryJobRequest } from '#libs/queue';
import { AttemptLoader } from './attempt-loader.js';
import { AttemptRecorder } from './attempt-recorder.js';
import { AttemptSlots } from './attempt-slots.js';
import { BatchCollector } from './batch-collector.js';
import { DeliveryRepository, type AttemptContext, type AttemptRecord, type AttemptRow, type BatchMember } from './delivery.repository.js';
import { EndpointAdmission } from './endpoint-admission.js';
import { redactEcho } from './redact-echo.js';
import { RequestBuilder, type RequestUnit } from './request-builder.js';
import { deliveryBackoff } from './retry-later.error.js';
import { RetryPolicy, type Verdict } from './retry-policy.js';
import { WebhookSender } from './webhook-sender.js';

/** `deferred`: not now (the endpoint's cap or rate limit, or a batch still filling); no attempt was
 * made or counted. `batched`: the delivery is in a batch, which its own job sends. */
export type AttemptOutcome =
  | Verdict
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'deferred'; delayMs: number }
  | { outcome: 'batched'; batchId: string };

/** What a group job did: first attempts made (or batched, or failed without one), members skipped
 * (finished, gone, or sent again meanwhile), members handed to jobs of their own; or `deferred`: this
 * worker has a full round of requests waiting already, so the group goes back to the queue whole. */
export type GroupOutcome = { outcome: 'done'; sent: number; skipped: number; handedOver: number } | { outcome: 'deferred'; delayMs: number };

/** How soon a group this worker had no room for is due again (any worker may take it). */
export const GROUP_REQUEUE_MS = 100;

/** One request's worth of work: a single delivery, or a batch. */
interface Send {
  tenantId: string;
  request: RequestUnit;
  /** The request's attempt number: the delivery's, or the batch's (its retry schedule). */
  attemptNumber: number;
  /** The attempt count the retry schedule counts from: the delivery's series start; 0 for a batch
   * (a new row each time, so its own count is its series). */
  seriesStart: number;
  /** The deliveries it carries that are still pending, with their own attempt counts. */
  deliveries: ReadonlyArray<Pick<BatchMember, 'deliveryId' | 'attemptCount' | 'eventId' | 'eventType'>>;
  batchId: string | null;
}

/** Orchestrates an attempt: load, admit, build, send, decide, record. How a request looks (scheme,
 * payload, batch body) is the RequestBuilder's; whether it may go now, the EndpointAdmission's. */
@Injectable()
export class DeliveryService {
  private readonly policy: RetryPolicy;

  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly loader: AttemptLoader,
    private readonly recorder: AttemptRecorder,
    private readonly admission: EndpointAdmission,
    private readonly builder: RequestBuilder,
    private readonly batches: BatchCollector,
    private readonly sender: WebhookSender,
    private readonly clock: Clock,
    config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly events: DomainEvents,
    private readonly producer: JobProducer,
    private readonly slots: AttemptSlots,
  ) {
    this.policy = new RetryPolicy(config.retryScheduleSeconds, () => clock.random());
  }

  /** Makes the next attempt of a delivery and records it, or puts it into a batch when its endpoint
   * batches. Safe to call again for the same delivery: a finished delivery is skipped, and the
   * attempt count guards the write. `series` is the job's: a job left over from an earlier series
   * of attempts (a stalled one run again after the delivery was sent again) leaves the delivery to
   * the job of its current series. */
  async attempt(job: { tenantId: string; deliveryId: string; series?: number }): Promise<AttemptOutcome> {
    const ctx = await this.loader.load(job.tenantId, job.deliveryId);
    if (!ctx) return { outcome: 'skipped', reason: 'delivery not found' };
    return this.attemptLoaded(ctx, job.series ?? 0);
  }

  /** The first attempts of a group of new deliveries, from one job: loaded together, then each
   * admitted, sent and recorded on its own, as its own job would. A member that must wait (a retry,
   * its endpoint's cap or rate, a batch still filling) or whose attempt failed unexpectedly goes on
   * in a delivery job of its own, added before the group's job ends; if that add fails, the group's
   * job fails and runs again, and a member attempted by then is handed over, not attempted early.
   * While the worker's request slots are saturated (AttemptSlots), a group is deferred whole. */
  async attemptGroup(job: { tenantId: string; deliveryIds: readonly string[] }): Promise<GroupOutcome> {
    if (this.slots.saturated) return { outcome: 'deferred', delayMs: GROUP_REQUEUE_MS };
    // Counted as waiting while they load, so the groups that start after this one see it.
    const asked = this.slots.expect(job.deliveryIds.length);
    let contexts: Array<AttemptContext | null>;
    try {
      contexts = await this.loader.loadAll(job.tenantId, job.deliveryIds);
    } catch (err) {
      asked();
      throw err;
    }
    const handOver: DeliveryJobRequest[] = [];
    const counts = { outcome: 'done' as const, sent: 0, skipped: 0, handedOver: 0 };
    // Each member asks for its slot synchronously as it starts (attemptLoaded up to admission).
    const running = contexts.map(async (ctx) => {
      if (!ctx) return void counts.skipped++;
      let outcome: AttemptOutcome;
      try {
        outcome = await this.attemptLoaded(ctx, 0, true);
      } catch (err) {
        this.logger.warn({ tenantId: ctx.tenantId, deliveryId: ctx.deliveryId, err: (err as Error).message }, 'attempt of a group member failed; it goes on in a job of its own');
        outcome = { outcome: 'deferred', delayMs: deliveryBackoff(1) };
      }
      if (outcome.outcome === 'retry' || outcome.outcome === 'deferred') {
        handOver.push({ tenantId: ctx.tenantId, deliveryId: ctx.deliveryId, endpointId: ctx.endpoint.endpointId, delayMs: outcome.delayMs });
      } else if (outcome.outcome === 'skipped') counts.skipped++;
      else counts.sent++;
    });
    asked();
    await Promise.all(running);
    if (handOver.length > 0) await this.producer.enqueueDeliveries(handOver);
    counts.handedOver = handOver.length;
    return counts;
  }

  /** `inGroup`: run by a group job, which makes first attempts only; a member already attempted (a
   * group job run again) is handed to its own job, due when its next attempt is. */
  private async attemptLoaded(ctx: AttemptContext, series: number, inGroup = false): Promise<AttemptOutcome> {
    if (ctx.status !== 'pending') return { outcome: 'skipped', reason: `delivery already ${ctx.status}` };
    if (ctx.series !== series) return { outcome: 'skipped', reason: `job of series ${series}, delivery in series ${ctx.series}` };
    if (ctx.batchId) return { outcome: 'batched', batchId: ctx.batchId };
    if (inGroup && ctx.attemptCount > ctx.seriesStart) return { outcome: 'deferred', delayMs: Math.max(0, (ctx.nextAttemptAt?.getTime() ?? 0) - this.clock.now()) };
    if (!ctx.endpoint.active) {
      const failed = await this.deliveries.failWithoutAttempt(ctx.tenantId, ctx.deliveryId, 'endpoint disabled or deleted');
      if (failed) this.events.emit('delivery.abandoned', { tenantId: ctx.tenantId, deliveryId: ctx.deliveryId, endpointId: ctx.endpoint.endpointId, reason: 'endpoint disabled or deleted' });
      const ids = { deliveryId: ctx.deliveryId, tenantId: ctx.tenantId, eventId: ctx.eventId, endpointId: ctx.endpoint.endpointId };
      this.logger.info({ outcome: 'failed', ...ids }, `failed ${ctx.eventType} to ${logTarget(ctx.endpoint.url)}: endpoint disabled or deleted, not sent`);
      return { outcome: 'failed', reason: 'endpoint disabled or deleted' };
    }
    if (ctx.endpoint.batch) return this.batches.collect(ctx, ctx.endpoint.batch);
    return this.send({
      tenantId: ctx.tenantId,
      request: { endpoint: ctx.endpoint, webhookId: ctx.eventId, deliveryRef: ctx.deliveryId, batched: false, payloadFormat: ctx.endpoint.payloadFormat, items: [ctx] },
      attemptNumber: ctx.attemptCount + 1,
      seriesStart: ctx.seriesStart,
      deliveries: [ctx],
      batchId: null,
    });
  }

  /** Makes the next attempt of a batch: one request with every member, the same bytes each time;
   * the attempt is recorded on each member still pending. */
  async attemptBatch(job: { tenantId: string; batchId: string }): Promise<AttemptOutcome> {
    const b = await this.deliveries.loadBatch(job.tenantId, job.batchId);
    if (!b) return { outcome: 'skipped', reason: 'batch not found' };
    if (b.status !== 'pending') return { outcome: 'skipped', reason: `batch already ${b.status}` };
    if (!b.endpoint.active) {
      const failed = await this.deliveries.failBatchWithoutAttempt(b.tenantId, b.batchId, 'endpoint disabled or deleted');
      for (const deliveryId of failed) this.events.emit('delivery.abandoned', { tenantId: b.tenantId, deliveryId, endpointId: b.endpoint.endpointId, reason: 'endpoint disabled or deleted' });
      const ids = { batchId: b.batchId, tenantId: b.tenantId, endpointId: b.endpoint.endpointId };
      this.logger.info({ outcome: 'failed', ...ids }, `failed a batch of ${b.members.length} to ${logTarget(b.endpoint.url)}: endpoint disabled or deleted, not sent`);
      return { outcome: 'failed', reason: 'endpoint disabled or deleted' };
    }
    const pending = b.members.filter((m) => m.status === 'pending');
    if (pending.length === 0) {
      // Nothing left to carry: close the batch so that it does not stay pending for ever.
      await this.deliveries.failBatchWithoutAttempt(b.tenantId, b.batchId, 'no pending delivery left in the batch');
      return { outcome: 'skipped', reason: 'no pending delivery left in the batch' };
    }
    return this.send({
      tenantId: b.tenantId,
      request: { endpoint: b.endpoint, webhookId: b.batchId, deliveryRef: b.batchId, batched: true, payloadFormat: b.payloadFormat, items: b.members },
      attemptNumber: b.attemptCount + 1,
      seriesStart: 0,
      deliveries: pending,
      batchId: b.batchId,
    });
  }

  private async send(s: Send): Promise<AttemptOutcome> {
    const endpoint = s.request.endpoint;
    const admission = await this.admission.admit(endpoint.endpointId, endpoint.rateLimitPerSecond);
    if (admission.kind === 'defer') return { outcome: 'deferred', delayMs: admission.delayMs };
    try {
      const built = this.builder.build(s.request);
      const result = await this.sender.send(built.webhook);
      const verdict = this.policy.decide(result, s.attemptNumber, s.seriesStart);
      const status: AttemptRecord['status'] = verdict.outcome === 'retry' ? 'pending' : verdict.outcome;
      const attempt: Omit<AttemptRecord, 'attemptNumber'> = {
        startedAt: built.startedAt,
        durationMs: result.durationMs,
        responseStatus: result.kind === 'response' ? result.status : null,
        errorKind: result.kind === 'error' ? result.errorKind : null,
        errorMessage: result.kind === 'error' ? result.message : null,
        responseBody: result.kind === 'response' ? redactEcho(result.body, built.sensitive) : null,
        status,
        nextAttemptAt: verdict.outcome === 'retry' ? new Date(this.clock.now() + verdict.delayMs) : null,
        lastError: verdict.outcome === 'succeeded' ? null : verdict.reason,
      };
      const rows: AttemptRow[] = s.deliveries.map((d) => ({ tenantId: s.tenantId, deliveryId: d.deliveryId, attempt: { ...attempt, attemptNumber: d.attemptCount + 1 } }));
      const batch = s.batchId ? { batchId: s.batchId, tenantId: s.tenantId, attemptNumber: s.attemptNumber, status, nextAttemptAt: attempt.nextAttemptAt, lastError: attempt.lastError } : null;
      const recorded = await this.recorder.record({ rows, batch });
      const answer = result.kind === 'response' ? result.status : result.errorKind;
      const logFields = () => {
        const ids = s.batchId ? { batchId: s.batchId, size: s.deliveries.length } : { deliveryId: s.request.deliveryRef, eventId: s.request.webhookId };
        return { status: answer, durationMs: result.durationMs, attempt: s.attemptNumber, outcome: verdict.outcome, ...ids, tenantId: s.tenantId, endpointId: endpoint.endpointId };
      };
      if (recorded.size === 0) {
        this.logger.warn(logFields(), 'attempt made but another run recorded this attempt number first');
        return { outcome: 'skipped', reason: 'attempt recorded by another run' };
      }
      s.deliveries.forEach((d, i) => {
        if (recorded.has(d.deliveryId)) this.emitRecorded(s, d, rows[i]!.attempt.attemptNumber, attempt);
      });
      // The line below costs a URL parse and a few objects: not built when it would not be written.
      if (!this.logger.isLevelEnabled('info')) return verdict;
      const log = logFields();
      // One line per outcome: what happened and where in the message, status and duration as fields.
      const types = built.webhook.headers['x-webhook-event'];
      const what = `${s.batchId ? `a batch of ${s.request.items.length} (${types})` : types} to ${logTarget(endpoint.url)}`;
      if (verdict.outcome === 'succeeded') this.logger.info(log, `delivered ${what}`);
      else if (verdict.outcome === 'retry') this.logger.info({ ...log, retryInMs: verdict.delayMs }, `retrying ${what}`);
      else this.logger.info({ ...log, reason: verdict.reason }, `failed ${what}${s.attemptNumber - s.seriesStart >= this.policy.maxAttempts ? '' : ', not retried'}`);
      return verdict;
    } finally {
      admission.release();
    }
  }

  /** Once per delivery attempt, after it committed (endpoint health and stats subscribe). */
  private emitRecorded(s: Send, d: Send['deliveries'][number], attemptNumber: number, attempt: Omit<AttemptRecord, 'attemptNumber'>): void {
    this.events.emit('attempt.recorded', {
      tenantId: s.tenantId,
      deliveryId: d.deliveryId,
      eventId: d.eventId,
      eventType: d.eventType,
      endpointId: s.request.endpoint.endpointId,
      attemptNumber,
      batchId: s.batchId,
      startedAt: attempt.startedAt,
      durationMs: attempt.durationMs,
      result: classifyAttempt(attempt.responseStatus, attempt.errorKind),
      responseStatus: attempt.responseStatus,
      errorKind: attempt.errorKind,
      deliveryStatus: attempt.status,
      nextAttemptAt: attempt.nextAttemptAt,
      reason: attempt.lastError,
    });
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
