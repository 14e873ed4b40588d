import { Inject, Injectable } from '@nestjs/common';
import { Clock, LOGGER, type Logger } from '#libs/common';
import { QueueDepth, type QueueCounts } from '#libs/queue';
import { AdminOverviewRepository, PENDING_COUNT_CAP, type EndpointCounts, type FailingEndpointRow, type MinuteTotals } from './admin-overview.repository.js';

const MINUTE_MS = 60_000;
export const OVERVIEW_MINUTES = 60;
const FAILING_LIST_LIMIT = 10;
/** Redis that does not answer within this leaves the queue counts out rather than holding the page. */
const QUEUE_COUNTS_TIMEOUT_MS = 1_000;

export interface AdminOverview {
  generatedAt: Date;
  /** Attempts per minute, oldest first: the last OVERVIEW_MINUTES minutes, the current one included
   * (partial: workers add to it every ENDPOINT_STATS_FLUSH_MS). Minutes with nothing are zeros. */
  perMinute: Array<Omit<MinuteTotals, 'minute'> & { minute: Date }>;
  /** Over the same minutes. successRate: succeeded / attempts, null without attempts. */
  lastHour: { attempts: number; succeeded: number; failed: number; successRate: number | null };
  backlog: {
    /** Deliveries not yet finished (waiting for an attempt or a retry). */
    pendingDeliveries: number;
    /** True when there are more pending deliveries than were counted (PENDING_COUNT_CAP). */
    pendingDeliveriesCapped: boolean;
    /** Jobs in each queue; null when Redis did not answer. */
    queues: Record<string, QueueCounts> | null;
  };
  endpoints: EndpointCounts & { failingLongest: FailingEndpointRow[] };
}

/** The operator overview: throughput from the endpoint-stats rollup, the backlog from Postgres and
 * the queues, and endpoint health counts, across tenants. */
@Injectable()
export class AdminOverviewService {
  constructor(
    private readonly repo: AdminOverviewRepository,
    private readonly queues: QueueDepth,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async overview(): Promise<AdminOverview> {
    const now = this.clock.now();
    const to = Math.floor(now / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
    const from = to - OVERVIEW_MINUTES * MINUTE_MS;
    const [minutes, pending, endpoints, failingLongest, queues] = await Promise.all([
      this.repo.minutesAcrossTenants(new Date(from), new Date(to)),
      this.repo.pendingDeliveriesAcrossTenants(),
      this.repo.endpointCountsAcrossTenants(),
      this.repo.failingEndpointsAcrossTenants(FAILING_LIST_LIMIT),
      this.queueCounts(),
    ]);
    const perMinute = fillMinutes(minutes, from, OVERVIEW_MINUTES);
    const sum = (k: 'attempts' | 'succeeded' | 'failed') => perMinute.reduce((n, m) => n + m[k], 0);
    const attempts = sum('attempts');
    const succeeded = sum('succeeded');
    return {
      generatedAt: new Date(now),
      perMinute,
      lastHour: { attempts, succeeded, failed: sum('failed'), successRate: attempts > 0 ? succeeded / attempts : null },
      backlog: { pendingDeliveries: Math.min(pending, PENDING_COUNT_CAP), pendingDeliveriesCapped: pending > PENDING_COUNT_CAP, queues },
      endpoints: { ...endpoints, failingLongest },
    };
  }

  private async queueCounts(): Promise<Record<string, QueueCounts> | null> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.queues.counts(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('Redis did not answer in time')), QUEUE_COUNTS_TIMEOUT_MS);
        }),
      ]);
    } catch (err) {
      this.logger.warn({ reason: (err as Error).message }, 'overview without queue counts');
      return null;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** One entry per minute from `from`, zeros where the rollup has no row. */
export function fillMinutes(rows: readonly MinuteTotals[], from: number, count: number): AdminOverview['perMinute'] {
  const byMinute = new Map(rows.map((r) => [r.minute, r]));
  return Array.from({ length: count }, (_, i) => {
    const minute = from + i * MINUTE_MS;
    const r = byMinute.get(minute);
    return { minute: new Date(minute), attempts: r?.attempts ?? 0, succeeded: r?.succeeded ?? 0, failed: r?.failed ?? 0 };
  });
}
