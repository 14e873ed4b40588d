import { Injectable } from '@nestjs/common';
import { lengthHidden, PrismaService } from '#libs/database';
import { uuidv7 } from '#libs/common';
import type { PayloadFormatName, SignatureOptions } from '#libs/endpoints';
import type { AttemptView } from './delivery-log.js';

type Status = 'pending' | 'succeeded' | 'failed';

/** Where and how an endpoint wants its webhooks, as an attempt needs it. */
export interface EndpointTarget {
  endpointId: string;
  url: string;
  active: boolean;
  /** Live signing secrets, sealed, newest first: more than one during a rotation's grace period.
   * `expiresAt` (ms, null for the current one): a cached target drops a secret once it passed. */
  secrets: Array<{ ciphertext: string; keyId: string; expiresAt?: number | null }>;
  /** Custom headers, values sealed. */
  headers: Record<string, string>;
  rateLimitPerSecond: number | null;
  signature: SignatureOptions;
  payloadFormat: PayloadFormatName;
  /** null: DELIVERY_TIMEOUT_MS. */
  timeoutMs: number | null;
  /** null: one delivery per request. */
  batch: { maxEvents: number; maxWaitMs: number } | null;
  /** The endpoint row's version (its xmin): any write to the row changes it (see EndpointTargetCache). */
  version?: string;
}

/** An event as a webhook body carries it. */
export interface EventItem {
  eventId: string;
  eventType: string;
  eventCreatedAt: Date;
  /** The event's data as stored: JSON text, sent as is so the bytes never change. */
  eventDataJson: string;
}

export interface AttemptContext extends EventItem {
  deliveryId: string;
  tenantId: string;
  status: Status;
  attemptCount: number;
  /** The series of attempts under way (0 unless sent again) and the attempt count it began at. */
  series: number;
  seriesStart: number;
  /** When its next attempt is due (a retry's wait), while pending. */
  nextAttemptAt: Date | null;
  /** The batch (still pending) that will send this delivery; null when it is not in one. */
  batchId: string | null;
  endpoint: EndpointTarget;
}

export interface BatchMember extends EventItem {
  deliveryId: string;
  status: Status;
  attemptCount: number;
}

export interface BatchContext {
  batchId: string;
  tenantId: string;
  status: Status;
  attemptCount: number;
  /** Fixed when the batch was formed: every attempt sends the same bytes. */
  payloadFormat: PayloadFormatName;
  endpoint: EndpointTarget;
  /** In body order. */
  members: BatchMember[];
}

/** An attempt row as the log shows it, plus the delivery's state after this attempt. */
export interface AttemptRecord extends Omit<AttemptView, 'batchId'> {
  status: Status;
  nextAttemptAt: Date | null;
  lastError: string | null;
}

export interface AttemptRow {
  tenantId: string;
  deliveryId: string;
  attempt: AttemptRecord;
}

/** The batch's own state after an attempt, written with its members' rows. */
export interface BatchAttempt {
  batchId: string;
  tenantId: string;
  attemptNumber: number;
  status: Status;
  nextAttemptAt: Date | null;
  lastError: string | null;
}

/** What one request did: its deliveries' attempt rows, and the batch when it carried one. */
export interface AttemptUnit {
  rows: AttemptRow[];
  batch: BatchAttempt | null;
}

export interface ClaimRequest {
  tenantId: string;
  endpointId: string;
  batchId: string;
  maxEvents: number;
  maxWaitMs: number;
  payloadFormat: PayloadFormatName;
}

export interface ClaimResult {
  /** Pending deliveries of the endpoint not in a batch (at most maxEvents), before the claim. */
  pending: number;
  /** The deliveries the new batch took, in body order; empty when no batch was formed. */
  claimed: string[];
  /** When none was formed: how long until the oldest of them has waited maxWaitMs. */
  waitMs: number;
}

interface EndpointColumns {
  endpointId: string;
  endpointUrl: string;
  endpointActive: boolean;
  endpointSecrets: Array<{ ciphertext: string; keyId: string; expiresAt?: number | null }>;
  endpointVersion?: string;
  endpointHeaders: Record<string, string>;
  endpointRateLimitPerSecond: number | null;
  endpointSignature: SignatureOptions;
  endpointPayloadFormat: PayloadFormatName;
  endpointTimeoutMs: number | null;
  endpointBatchMaxEvents: number | null;
  endpointBatchMaxWaitMs: number | null;
}

/** The endpoint `e` as an attempt needs it, with its live secrets (newest first). */
const ENDPOINT_COLUMNS = `e.id AS "endpointId", e.url AS "endpointUrl", e.headers AS "endpointHeaders",
  e.rate_limit_per_second AS "endpointRateLimitPerSecond", e.signature AS "endpointSignature",
  e.payload_format::text AS "endpointPayloadFormat", e.timeout_ms AS "endpointTimeoutMs",
  e.batch_max_events AS "endpointBatchMaxEvents", e.batch_max_wait_ms AS "endpointBatchMaxWaitMs",
  (SELECT coalesce(json_agg(json_build_object('ciphertext', s.ciphertext, 'keyId', s.key_id, 'expiresAt', (extract(epoch FROM s.expires_at) * 1000)::bigint) ORDER BY s.created_at DESC), '[]'::json)
     FROM endpoint_secrets s WHERE s.endpoint_id = e.id AND (s.expires_at IS NULL OR s.expires_at > now())) AS "endpointSecrets",
  (e.status = 'active' AND e.deleted_at IS NULL) AS "endpointActive"`;

function toTarget(r: EndpointColumns): EndpointTarget {
  return {
    endpointId: r.endpointId,
    url: r.endpointUrl,
    active: r.endpointActive,
    secrets: r.endpointSecrets,
    headers: r.endpointHeaders,
    rateLimitPerSecond: r.endpointRateLimitPerSecond,
    signature: r.endpointSignature,
    payloadFormat: r.endpointPayloadFormat,
    timeoutMs: r.endpointTimeoutMs,
    batch: r.endpointBatchMaxEvents === null ? null : { maxEvents: r.endpointBatchMaxEvents, maxWaitMs: r.endpointBatchMaxWaitMs ?? 0 },
    version: r.endpointVersion,
  };
}

/** A delivery as the attempt load reads it: its endpoint only by id, version and whether it is live
 * (the rest comes from the worker's EndpointTargetCache, or loadEndpoints on a miss). */
export type LoadedDelivery = Omit<AttemptContext, 'endpoint'> & { endpointId: string; endpointVersion: string; endpointActive: boolean };

/** loadManyForAttempt's statement, built once: the same string object on every call, so naming its prepared statement is a lookup of a string already hashed. */
const LOAD_FOR_ATTEMPT_SQL = `SELECT d.id AS "deliveryId", d.tenant_id AS "tenantId", d.status::text AS status, d.attempt_count AS "attemptCount",
              d.series, d.series_start AS "seriesStart", d.next_attempt_at AS "nextAttemptAt",
              b.id AS "batchId", e.id AS "endpointId", e.xmin::text AS "endpointVersion",
              (e.status = 'active' AND e.deleted_at IS NULL) AS "endpointActive",
              ev.id AS "eventId", ev.type AS "eventType", ev.created_at AS "eventCreatedAt", ev.data::text AS "eventDataJson"
       FROM unnest(${lengthHidden('$1::uuid[]')}, $2::uuid[]) AS k(id, tenant_id)
       JOIN deliveries d ON d.id = k.id AND d.tenant_id = k.tenant_id
       JOIN endpoints e ON e.id = d.endpoint_id
       JOIN events ev ON ev.id = d.event_id
       LEFT JOIN delivery_batches b ON b.id = d.batch_id AND b.status = 'pending'`;

/** recordAttempts' statement, built once (see LOAD_FOR_ATTEMPT_SQL). */
const RECORD_ATTEMPTS_SQL = `WITH input AS (
         SELECT * FROM unnest(${lengthHidden('$1::uuid[]')}, $2::uuid[], $3::int[], $4::text[], $5::timestamptz[], $6::int[], $7::text[],
                              $8::uuid[], $9::timestamptz[], $10::int[], $11::text[], $12::text[], $13::text[], $14::uuid[])
           AS t(delivery_id, tenant_id, attempt_number, status, next_attempt_at, response_status, last_error,
                attempt_id, started_at, duration_ms, error_kind, error_message, response_body, batch_id)
       ),
       bat AS (
         UPDATE delivery_batches b SET
           attempt_count = i.attempt_number,
           status = i.status::"DeliveryStatus",
           next_attempt_at = i.next_attempt_at,
           last_error = i.last_error,
           updated_at = now(),
           completed_at = CASE WHEN i.status = 'pending' THEN NULL ELSE now() END
         FROM unnest(${lengthHidden('$15::uuid[]')}, $16::uuid[], $17::int[], $18::text[], $19::timestamptz[], $20::text[])
           AS i(id, tenant_id, attempt_number, status, next_attempt_at, last_error)
         WHERE b.id = i.id AND b.tenant_id = i.tenant_id AND b.status = 'pending' AND b.attempt_count = i.attempt_number - 1
         RETURNING b.id
       ),
       upd AS (
         UPDATE deliveries d SET
           attempt_count = i.attempt_number,
           status = i.status::"DeliveryStatus",
           next_attempt_at = i.next_attempt_at,
           last_status_code = i.response_status,
           last_error = i.last_error,
           updated_at = now(),
           completed_at = CASE WHEN i.status = 'pending' THEN NULL ELSE now() END,
           -- A finished delivery leaves its batch (its attempts keep batch_id): sent again, it is free
           -- to join a new one.
           batch_id = CASE WHEN i.status = 'pending' THEN d.batch_id END,
           batch_position = CASE WHEN i.status = 'pending' THEN d.batch_position END
         FROM input i
         WHERE d.id = i.delivery_id AND d.tenant_id = i.tenant_id
           AND d.status = 'pending' AND d.attempt_count = i.attempt_number - 1
           AND (i.batch_id IS NULL OR i.batch_id IN (SELECT id FROM bat))
         RETURNING d.id
       )
       INSERT INTO delivery_attempts (id, delivery_id, tenant_id, attempt_number, started_at, duration_ms, response_status, error_kind, error_message, response_body, batch_id)
       SELECT i.attempt_id, i.delivery_id, i.tenant_id, i.attempt_number, i.started_at, i.duration_ms, i.response_status, i.error_kind, i.error_message, i.response_body, i.batch_id
       FROM input i JOIN upd ON upd.id = i.delivery_id
       RETURNING delivery_id`;

/** The delivery hot path: one read before the request, one write after it. */
@Injectable()
export class DeliveryRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** What attempts of these deliveries need, in one round trip, but for the endpoint's options and
   * secrets, which the worker caches by the row's version; answers line up with the keys (the
   * keys' count hidden from the planner: see lengthHidden). */
  async loadManyForAttempt(keys: ReadonlyArray<{ tenantId: string; deliveryId: string }>): Promise<Array<LoadedDelivery | null>> {
    const rows = await this.prisma.rows<LoadedDelivery>(
      LOAD_FOR_ATTEMPT_SQL,
      [keys.map((k) => k.deliveryId), keys.map((k) => k.tenantId)],
    );
    const byId = new Map(rows.map((r) => [r.deliveryId, r]));
    return keys.map((k) => byId.get(k.deliveryId) ?? null);
  }

  /** Endpoints as attempts need them, with their live secrets and the row's version (worker-side
   * cache misses). By id only: the ids come from delivery rows already read under their tenant. */
  async loadEndpoints(endpointIds: readonly string[]): Promise<EndpointTarget[]> {
    const rows = await this.prisma.rows<EndpointColumns>(
      `SELECT ${ENDPOINT_COLUMNS}, e.xmin::text AS "endpointVersion" FROM endpoints e WHERE e.id = ANY($1::uuid[])`,
      [endpointIds],
    );
    return rows.map(toTarget);
  }

  /** A batch with its endpoint and its members' events, in body order. */
  async loadBatch(tenantId: string, batchId: string): Promise<BatchContext | null> {
    const rows = await this.prisma.rows<EndpointColumns & Omit<BatchContext, 'endpoint' | 'members'> & { members: Array<Omit<BatchMember, 'eventCreatedAt'> & { eventCreatedAt: string }> | null }>(
      `SELECT b.id AS "batchId", b.tenant_id AS "tenantId", b.status::text AS status, b.attempt_count AS "attemptCount",
              b.payload_format::text AS "payloadFormat", ${ENDPOINT_COLUMNS},
              (SELECT json_agg(json_build_object('deliveryId', d.id, 'status', d.status, 'attemptCount', d.attempt_count, 'eventId', ev.id,
                                                 'eventType', ev.type, 'eventCreatedAt', ev.created_at, 'eventDataJson', ev.data::text) ORDER BY d.batch_position)
                 FROM deliveries d JOIN events ev ON ev.id = d.event_id
                 WHERE d.batch_id = b.id) AS members
       FROM delivery_batches b JOIN endpoints e ON e.id = b.endpoint_id
       WHERE b.id = $1::uuid AND b.tenant_id = $2::uuid`,
      [batchId, tenantId],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      batchId: r.batchId,
      tenantId: r.tenantId,
      status: r.status,
      attemptCount: r.attemptCount,
      payloadFormat: r.payloadFormat,
      endpoint: toTarget(r),
      members: (r.members ?? []).map((m) => ({ ...m, eventCreatedAt: new Date(m.eventCreatedAt) })),
    };
  }

  /** Forms a batch of the endpoint's oldest pending deliveries not yet in one (dispatch order, at
   * most maxEvents), when there are maxEvents of them or the oldest has waited maxWaitMs; otherwise
   * forms none and says how long to wait. One statement: the batch row and its members commit
   * together. Rows another claim holds are skipped, so concurrent claims form disjoint batches. */
  async claimBatch(c: ClaimRequest): Promise<ClaimResult> {
    const rows = await this.prisma.rows<{ pending: number; wait_ms: number; claimed: string[] | null }>(
      `WITH cand AS (
         SELECT d.id, d.seq, d.created_at FROM deliveries d
         WHERE d.endpoint_id = $1::uuid AND d.tenant_id = $2::uuid AND d.status = 'pending' AND d.batch_id IS NULL AND d.next_attempt_at <= now()
         ORDER BY d.seq NULLS FIRST
         LIMIT $3
         FOR UPDATE SKIP LOCKED
       ),
       agg AS (SELECT count(*)::int AS n, min(created_at) AS oldest FROM cand),
       b AS (
         INSERT INTO delivery_batches (id, tenant_id, endpoint_id, payload_format, size, next_attempt_at)
         SELECT $4::uuid, $2::uuid, $1::uuid, $5::"PayloadFormat", agg.n, now() FROM agg
         WHERE agg.n > 0 AND (agg.n >= $3 OR agg.oldest <= now() - make_interval(secs => $6::int / 1000.0))
         RETURNING id
       ),
       m AS (
         UPDATE deliveries d SET batch_id = b.id, batch_position = c.pos, updated_at = now()
         FROM b, (SELECT id, row_number() OVER (ORDER BY seq NULLS FIRST) AS pos FROM cand) c
         WHERE d.id = c.id
         RETURNING d.id, c.pos
       )
       SELECT agg.n AS pending,
              greatest(0, ceil(extract(epoch FROM (agg.oldest + make_interval(secs => $6::int / 1000.0) - now())) * 1000))::int AS wait_ms,
              (SELECT array_agg(m.id ORDER BY m.pos) FROM m) AS claimed
       FROM agg`,
      [c.endpointId, c.tenantId, c.maxEvents, c.batchId, c.payloadFormat, c.maxWaitMs],
    );
    const r = rows[0]!;
    return { pending: r.pending, claimed: r.claimed ?? [], waitMs: r.wait_ms ?? 0 };
  }

  /** Writes the attempt rows of many requests and moves their deliveries (and batches) on, in one
   * statement and one commit; a single delivery is a batch of one. Each delivery is guarded by its
   * own attempt count, each batch by its own, and a batch's members are written only if the batch's
   * guard held, so a stalled job run twice cannot record the same attempt twice. A delivery may
   * appear at most once. Returns the deliveries whose attempt was recorded. */
  async recordAttempts(units: readonly AttemptUnit[]): Promise<Set<string>> {
    const rows = units.flatMap((u) => u.rows.map((r) => ({ ...r, batchId: u.batch?.batchId ?? null })));
    const batches = units.flatMap((u) => (u.batch ? [u.batch] : []));
    const col = <T>(f: (r: (typeof rows)[number]) => T) => rows.map(f);
    const bcol = <T>(f: (b: BatchAttempt) => T) => batches.map(f);
    const recorded = await this.prisma.rows<{ delivery_id: string }>(
      RECORD_ATTEMPTS_SQL,
      [
        col((r) => r.deliveryId),
        col((r) => r.tenantId),
        col((r) => r.attempt.attemptNumber),
        col((r) => r.attempt.status),
        col((r) => r.attempt.nextAttemptAt),
        col((r) => r.attempt.responseStatus),
        col((r) => r.attempt.lastError),
        col(() => uuidv7()),
        col((r) => r.attempt.startedAt),
        col((r) => r.attempt.durationMs),
        col((r) => r.attempt.errorKind),
        col((r) => r.attempt.errorMessage),
        col((r) => r.attempt.responseBody),
        col((r) => r.batchId),
        bcol((b) => b.batchId),
        bcol((b) => b.tenantId),
        bcol((b) => b.attemptNumber),
        bcol((b) => b.status),
        bcol((b) => b.nextAttemptAt),
        bcol((b) => b.lastError),
      ],
    );
    return new Set(recorded.map((r) => r.delivery_id));
  }

  /** Ends a pending delivery without an attempt (its endpoint was disabled or deleted); false when
   * it was no longer pending. */
  async failWithoutAttempt(tenantId: string, deliveryId: string, reason: string): Promise<boolean> {
    const { count } = await this.prisma.delivery.updateMany({
      where: { id: deliveryId, tenantId, status: 'pending' },
      data: { status: 'failed', lastError: reason, nextAttemptAt: null, completedAt: new Date(), updatedAt: new Date() },
    });
    return count > 0;
  }

  /** Ends a pending batch and its pending members without an attempt, in one statement (they leave it, as finished deliveries do). */
  async failBatchWithoutAttempt(tenantId: string, batchId: string, reason: string): Promise<string[]> {
    const rows = await this.prisma.rows<{ id: string }>(
      `WITH b AS (
         UPDATE delivery_batches SET status = 'failed', last_error = $3, next_attempt_at = NULL, completed_at = now(), updated_at = now()
         WHERE id = $1::uuid AND tenant_id = $2::uuid AND status = 'pending'
         RETURNING id
       )
       UPDATE deliveries d SET status = 'failed', last_error = $3, next_attempt_at = NULL, completed_at = now(), updated_at = now(), batch_id = NULL, batch_position = NULL
       FROM b WHERE d.batch_id = b.id AND d.status = 'pending'
       RETURNING d.id`,
      [batchId, tenantId, reason],
    );
    return rows.map((r) => r.id);
  }
}
