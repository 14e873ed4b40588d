import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { BatchSizes } from '#libs/common';
import { AppConfig } from '#libs/config';
import { PrismaService } from '#libs/database';
import { DomainEvents, type AttemptRecordedEvent } from '#libs/domain-events';
import { collectProcessMetrics } from './process-metrics.js';

/** Seconds; an attempt's whole budget is at most DELIVERY_TIMEOUT_MS (120 s). */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120];
const BATCH_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];

/** The platform's Prometheus series, in a registry of this app's own (the API and the worker may
 * share a process in tests). Counters move from the domain-event seam, so the code that does the
 * work never calls them; the worker's backlog gauges are BacklogSampler's; the pool gauge is read from
 * memory at scrape time. Tenant and endpoint labels only with METRICS_PER_TENANT (their number is unbounded). */
@Injectable()
export class PlatformMetrics implements OnModuleInit, OnModuleDestroy {
  readonly registry = new Registry();
  readonly enabled: boolean;
  private readonly perTenant: boolean;
  private readonly offs: Array<() => void> = [];

  private readonly eventsAccepted: Counter;
  private readonly deliveriesCompleted: Counter;
  private readonly attempts: Counter;
  private readonly attemptDuration: Histogram;
  private readonly reenqueued: Counter;
  private readonly endpointsDisabled: Counter;
  private readonly alertEmails: Counter;
  private readonly batchSize: Histogram;
  private readonly retentionPurged: Counter;

  constructor(
    config: AppConfig,
    private readonly domainEvents: DomainEvents,
    private readonly batchSizes: BatchSizes,
    prisma: PrismaService,
  ) {
    this.enabled = config.metricsEnabled;
    this.perTenant = config.metricsPerTenant;
    const registers = [this.registry];
    const tenant = this.perTenant ? ['tenant_id'] : [];
    const endpoint = this.perTenant ? ['tenant_id', 'endpoint_id'] : [];
    this.eventsAccepted = new Counter({ name: 'hookrelay_events_accepted_total', help: 'Events accepted (stored) by the API; idempotent replays not counted', labelNames: tenant, registers });
    this.deliveriesCompleted = new Counter({
      name: 'hookrelay_deliveries_completed_total',
      help: 'Deliveries that reached a final state: succeeded, or failed (retries exhausted, permanent error, endpoint disabled or deleted, event expunged)',
      labelNames: ['outcome', ...endpoint],
      registers,
    });
    this.attempts = new Counter({ name: 'hookrelay_attempts_total', help: 'Delivery attempts recorded, by result: 2xx, 3xx, 4xx, 5xx, timeout, network', labelNames: ['result', ...endpoint], registers });
    this.attemptDuration = new Histogram({ name: 'hookrelay_attempt_duration_seconds', help: 'Duration of delivery attempts, request to end of response body (or error)', labelNames: tenant, buckets: DURATION_BUCKETS, registers });
    this.reenqueued = new Counter({ name: 'hookrelay_reconciler_reenqueued_total', help: 'Jobs the reconciler put back because Redis had lost them, by kind: fan_out, delivery, batch, recovery', labelNames: ['kind'], registers });
    this.endpointsDisabled = new Counter({ name: 'hookrelay_endpoints_disabled_total', help: 'Endpoints disabled automatically after failing (ENDPOINT_DISABLE_AFTER_HOURS)', labelNames: tenant, registers });
    this.alertEmails = new Counter({ name: 'hookrelay_alert_emails_total', help: 'Alert emails by outcome: sent, failed (will be retried), given_up', labelNames: ['outcome', ...tenant], registers });
    this.batchSize = new Histogram({ name: 'hookrelay_batch_size', help: 'Items per batch of the group-commit batchers (event inserts, attempt loads and records, job adds) and of batch dispatch requests', labelNames: ['batcher'], buckets: BATCH_BUCKETS, registers });
    this.retentionPurged = new Counter({ name: 'hookrelay_retention_purged_total', help: 'Rows removed by retention (RETENTION_DAYS), by table: events, deliveries, attempts', labelNames: ['table'], registers });
    const pool = prisma.pool;
    new Gauge({
      name: 'hookrelay_db_pool_connections',
      help: "This process's Postgres pool: busy, idle, and waiting (requests queued for a connection)",
      labelNames: ['state'],
      registers,
      // Counters kept by pg.Pool in memory: no query at scrape time.
      collect() {
        this.set({ state: 'busy' }, pool.totalCount - pool.idleCount);
        this.set({ state: 'idle' }, pool.idleCount);
        this.set({ state: 'waiting' }, pool.waitingCount);
      },
    });
    for (const outcome of ['succeeded', 'failed']) if (!this.perTenant) this.deliveriesCompleted.inc({ outcome }, 0);
    for (const result of ['2xx', '3xx', '4xx', '5xx', 'timeout', 'network']) if (!this.perTenant) this.attempts.inc({ result }, 0);
    for (const kind of ['fan_out', 'delivery', 'recovery']) this.reenqueued.inc({ kind }, 0);
    for (const outcome of ['sent', 'failed', 'given_up']) if (!this.perTenant) this.alertEmails.inc({ outcome }, 0);
    for (const table of ['events', 'deliveries', 'attempts']) this.retentionPurged.inc({ table }, 0);
  }

  onModuleInit(): void {
    if (!this.enabled) return;
    collectProcessMetrics(this.registry);
    const on = this.domainEvents.on.bind(this.domainEvents);
    this.offs.push(
      on('event.accepted', (e) => this.eventsAccepted.inc(this.perTenant ? { tenant_id: e.tenantId } : {})),
      on('attempt.recorded', (e) => this.attemptRecorded(e)),
      on('delivery.abandoned', (e) => this.deliveriesCompleted.inc({ outcome: 'failed', ...this.endpointLabels(e.tenantId, e.endpointId) })),
      on('reconciler.reenqueued', (e) => {
        this.reenqueued.inc({ kind: 'fan_out' }, e.fanOuts);
        this.reenqueued.inc({ kind: 'delivery' }, e.deliveries);
        this.reenqueued.inc({ kind: 'batch' }, e.batches);
        this.reenqueued.inc({ kind: 'recovery' }, e.recoveries);
      }),
      on('endpoint.disabled', (e) => this.endpointsDisabled.inc(this.perTenant ? { tenant_id: e.tenantId } : {})),
      on('alert.sent', (e) => {
        if (e.channel === 'email') this.alertEmails.inc({ outcome: e.outcome, ...(this.perTenant ? { tenant_id: e.tenantId } : {}) });
      }),
      on('retention.purged', (e) => {
        this.retentionPurged.inc({ table: 'events' }, e.events);
        this.retentionPurged.inc({ table: 'deliveries' }, e.deliveries);
        this.retentionPurged.inc({ table: 'attempts' }, e.attempts);
      }),
    );
    this.batchSizes.listen((batcher, size) => this.batchSize.observe({ batcher }, size));
  }

  onModuleDestroy(): void {
    for (const off of this.offs) off();
    this.registry.clear();
  }

  private attemptRecorded(e: AttemptRecordedEvent): void {
    const labels = this.endpointLabels(e.tenantId, e.endpointId);
    this.attempts.inc({ result: e.result, ...labels });
    this.attemptDuration.observe(this.perTenant ? { tenant_id: e.tenantId } : {}, e.durationMs / 1000);
    if (e.deliveryStatus !== 'pending') this.deliveriesCompleted.inc({ outcome: e.deliveryStatus, ...labels });
  }

  private endpointLabels(tenantId: string, endpointId: string): Record<string, string> {
    return this.perTenant ? { tenant_id: tenantId, endpoint_id: endpointId } : {};
  }
}
