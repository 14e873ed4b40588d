import { Inject, Injectable } from '@nestjs/common';
import { LOGGER, uuidv7Floor, type Logger } from '#libs/common';
import { AppConfig } from '#libs/config';
import { matchesEventType } from '#libs/endpoints';
import { JobProducer } from '#libs/queue';
import { RecoveryRepository, type EventRange, type RecoveryRow } from './recovery.repository.js';

/** Event ids are made by the process that accepted the event, created_at by Postgres: the id range
 * of a window is widened by this much for clock skew; created_at is what decides. */
export const ID_CLOCK_SLACK_MS = 5 * 60_000;
/** How long a recovery waits before looking at the endpoint's backlog again. */
export const RECOVERY_BACKLOG_POLL_MS = 1_000;

/** `wait`: the endpoint has not taken enough of the previous page yet; run again after `delayMs`. */
export type RecoveryStep = { kind: 'done'; status: string } | { kind: 'wait'; delayMs: number };

/** The recover-endpoint job: walks the tenant's events of the window oldest first, a page
 * (RECOVERY_PAGE_SIZE events, ids and types only) at a time by a keyset cursor on the id, and sends
 * the ones matching the endpoint's current subscriptions again through ordinary delivery jobs (so
 * the endpoint's rate limit and concurrency cap apply). Each page commits with the cursor and the
 * counts, so a run that dies resumes after the last committed page. A page is read only once the
 * endpoint has taken all but a quarter of the previous page's deliveries: a recovery never holds
 * more than about 1.25 pages of deliveries in the queue, and a failing endpoint holds it back. */
@Injectable()
export class RecoveryWalker {
  private readonly pageSize: number;

  constructor(
    private readonly repo: RecoveryRepository,
    private readonly producer: JobProducer,
    config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.pageSize = config.recoveryPageSize;
  }

  /** Walks pages until the recovery ends or has to wait for the endpoint. Safe to run twice at once
   * and to re-run after a crash: a page is written only from the cursor it was read at. */
  async run(tenantId: string, recoveryId: string): Promise<RecoveryStep> {
    for (;;) {
      const r = await this.repo.load(tenantId, recoveryId);
      if (!r) return { kind: 'done', status: 'gone' };
      if (r.status !== 'running') return { kind: 'done', status: r.status };
      const endpoint = await this.repo.endpoint(tenantId, r.endpointId);
      if (!endpoint || endpoint.deleted || endpoint.status !== 'active') {
        const reason = !endpoint || endpoint.deleted ? 'the endpoint was deleted' : 'the endpoint was disabled';
        await this.repo.fail(tenantId, recoveryId, reason);
        this.logger.info({ tenantId, recoveryId, endpointId: r.endpointId, reason }, 'recovery failed');
        continue;
      }
      const range = this.range(r);
      if (r.total === null) {
        const owed = await this.repo.countOwedByType(tenantId, r.endpointId, range);
        await this.repo.setTotal(tenantId, recoveryId, owed.filter((o) => matchesEventType(endpoint.eventTypes, o.type)).reduce((sum, o) => sum + o.n, 0));
      }
      if (r.cursor !== null && r.pageStart !== null) {
        const backlog = await this.repo.pendingBetween(tenantId, r.endpointId, r.pageStart, r.cursor);
        if (backlog > Math.floor(this.pageSize / 4)) return { kind: 'wait', delayMs: RECOVERY_BACKLOG_POLL_MS };
      }
      const page = await this.repo.eventPage(tenantId, range, this.pageSize);
      const last = page.length < this.pageSize;
      const written = await this.repo.sendPage(tenantId, {
        recoveryId,
        endpointId: r.endpointId,
        fromCursor: r.cursor,
        toCursor: page.at(-1)?.id ?? range.afterId,
        pageStart: range.afterId,
        eventIds: page.filter((e) => matchesEventType(endpoint.eventTypes, e.type)).map((e) => e.id),
        last,
      });
      // Another run moved the cursor, or the recovery was cancelled: look again.
      if (!written) continue;
      await this.producer.enqueueDeliveries(written.sent.map((s) => ({ tenantId, ...s })));
      if (last) {
        this.logger.info({ tenantId, recoveryId, endpointId: r.endpointId, enqueued: r.enqueued + written.sent.length }, 'recovery completed');
        return { kind: 'done', status: written.status };
      }
    }
  }

  /** The rest of the walk: after the cursor (or from the window's start), up to its end. */
  private range(r: RecoveryRow): EventRange {
    return {
      afterId: r.cursor ?? uuidv7Floor(r.since.getTime() - ID_CLOCK_SLACK_MS),
      beforeId: uuidv7Floor(r.until.getTime() + ID_CLOCK_SLACK_MS),
      since: r.since,
      until: r.until,
    };
  }
}
