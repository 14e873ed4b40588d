import { Injectable } from '@nestjs/common';
import { PrismaService } from '#libs/database';
import type { EndpointHealthSummary } from './health-summary.js';

/** The rules the flush applies, from the config. */
export interface HealthRules {
  /** Failed deliveries in a row that raise endpoint.failing (once per streak). */
  failingAlertAfter: number;
  /** 0: never disable. */
  disableAfterMs: number;
  disableMinFailures: number;
  dedupeMs: number;
  /** Write email rows for failing, disabled and recovered alerts (SMTP_URL is set). */
  email: boolean;
}

/** An endpoint as the flush left it, with what the flush decided. */
export interface AppliedHealth {
  tenantId: string;
  endpointId: string;
  url: string;
  disabled: boolean;
  disabledReason: string | null;
  disabledAt: Date | null;
  /** Alert rows were written to the outbox. */
  alerted: boolean;
}

const iso = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

// New values, written from the row as it is when the UPDATE locks it (e.*) and the buffer's summary (s.*).
const STREAK = `(CASE WHEN s.reset THEN s.streak ELSE e.consecutive_failures + s.streak END)`;
const SINCE = `(CASE WHEN s.reset THEN s.streak_since ELSE COALESCE(e.failing_since, s.streak_since) END)`;
const NEWER_FAILURE = `(s.last_failure_at IS NOT NULL AND (e.last_failure_at IS NULL OR s.last_failure_at >= e.last_failure_at))`;
const LAST_ERROR = `(CASE WHEN ${NEWER_FAILURE} THEN s.last_error ELSE e.last_error END)`;
const DISABLE = `($3::float8 > 0 AND e.status = 'active' AND ${STREAK} >= $4::int AND ${SINCE} <= $1::timestamptz - make_interval(secs => $3::float8 / 1000.0))`;
const FAILED_ALERT = `(s.failed > 0 AND (e.failed_alert_at IS NULL OR e.failed_alert_at <= $1::timestamptz - make_interval(secs => $5::float8 / 1000.0)))`;
const PENDING_IDS = `(COALESCE(e.failed_pending_ids, '{}') || string_to_array(s.failed_ids, ' '))[1:5]`;

/** The health columns of `endpoints`, written by the endpoint-health flush only. */
@Injectable()
export class EndpointHealthRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Applies a buffer's summaries in one statement: the health columns, the transitions it decides
   * (failing alert once per streak, recovered, auto-disable, delivery.failed deduplicated) and the
   * alert rows for them in the outbox, all in one commit. A transition is recognised in RETURNING
   * by its marker column holding this flush's time `at`. */
  async apply(summaries: readonly EndpointHealthSummary[], rules: HealthRules, at: Date): Promise<AppliedHealth[]> {
    if (summaries.length === 0) return [];
    const col = <T>(f: (s: EndpointHealthSummary) => T) => summaries.map(f);
    const rows = await this.prisma.rows<{ tenant_id: string; id: string; url: string; disabled: boolean; disabled_reason: string | null; disabled_at: Date | null; alerted: boolean }>(
      `WITH s AS (
         SELECT * FROM unnest($7::uuid[], $8::timestamptz[], $9::timestamptz[], $10::bool[], $11::int[], $12::timestamptz[], $13::text[], $14::int[], $15::text[], $16::int[], $17::text[])
           AS s(id, last_success_at, last_failure_at, reset, streak, streak_since, last_error, last_status, last_kind, failed, failed_ids)
       ),
       u AS (
         UPDATE endpoints e SET
           last_success_at = GREATEST(e.last_success_at, s.last_success_at),
           last_failure_at = GREATEST(e.last_failure_at, s.last_failure_at),
           consecutive_failures = ${STREAK},
           failing_since = ${SINCE},
           last_error = ${LAST_ERROR},
           last_response_status = CASE WHEN ${NEWER_FAILURE} THEN s.last_status ELSE e.last_response_status END,
           last_error_kind = CASE WHEN ${NEWER_FAILURE} THEN s.last_kind ELSE e.last_error_kind END,
           failing_alert_at = CASE WHEN ${STREAK} >= $2::int AND (s.reset OR e.failing_alert_at IS NULL) THEN $1::timestamptz
                                   WHEN s.reset THEN NULL ELSE e.failing_alert_at END,
           recovered_alert_at = CASE WHEN s.reset AND e.failing_alert_at IS NOT NULL THEN $1::timestamptz ELSE e.recovered_alert_at END,
           status = CASE WHEN ${DISABLE} THEN 'disabled'::"EndpointStatus" ELSE e.status END,
           disabled_at = CASE WHEN ${DISABLE} THEN $1::timestamptz ELSE e.disabled_at END,
           disabled_reason = CASE WHEN ${DISABLE} THEN 'failing since ' || ${iso(SINCE)} || ': ' || COALESCE(${LAST_ERROR}, 'unknown error') ELSE e.disabled_reason END,
           failed_alert_at = CASE WHEN ${FAILED_ALERT} THEN $1::timestamptz ELSE e.failed_alert_at END,
           failed_alert_count = CASE WHEN ${FAILED_ALERT} THEN e.failed_pending_count + s.failed ELSE e.failed_alert_count END,
           failed_alert_ids = CASE WHEN ${FAILED_ALERT} THEN ${PENDING_IDS} ELSE e.failed_alert_ids END,
           failed_pending_count = CASE WHEN ${FAILED_ALERT} THEN 0 ELSE e.failed_pending_count + s.failed END,
           failed_pending_ids = CASE WHEN ${FAILED_ALERT} THEN '{}' ELSE ${PENDING_IDS} END
         FROM s
         WHERE e.id = s.id AND e.deleted_at IS NULL
         RETURNING e.*,
           e.failing_alert_at = $1::timestamptz AS failing_fired,
           e.recovered_alert_at = $1::timestamptz AS recovered_fired,
           e.disabled_at = $1::timestamptz AND e.status = 'disabled' AS disabled_fired,
           e.failed_alert_at = $1::timestamptz AS failed_fired
       ),
       a AS (
         SELECT u.tenant_id, u.id AS endpoint_id, k.kind, k.ord, jsonb_build_object(
                  'endpointId', u.id,
                  'url', u.url,
                  'reason', CASE k.kind WHEN 'endpoint.disabled' THEN u.disabled_reason
                                        WHEN 'endpoint.recovered' THEN 'a delivery succeeded again'
                                        ELSE u.last_error END,
                  'lastResponseStatus', u.last_response_status,
                  'lastErrorKind', u.last_error_kind,
                  'consecutiveFailures', u.consecutive_failures,
                  'failingSince', ${iso('u.failing_since')},
                  'lastFailureAt', ${iso('u.last_failure_at')},
                  'lastSuccessAt', ${iso('u.last_success_at')},
                  'disabledAt', CASE WHEN k.kind = 'endpoint.disabled' THEN ${iso('u.disabled_at')} END,
                  'count', CASE WHEN k.kind = 'delivery.failed' THEN u.failed_alert_count END,
                  'deliveryIds', CASE WHEN k.kind = 'delivery.failed' THEN to_jsonb(u.failed_alert_ids) END,
                  'at', ${iso('$1::timestamptz')}
                ) AS data
         FROM u CROSS JOIN LATERAL (VALUES (1, 'endpoint.recovered', u.recovered_fired), (2, 'delivery.failed', u.failed_fired), (3, 'endpoint.failing', u.failing_fired), (4, 'endpoint.disabled', u.disabled_fired)) AS k(ord, kind, fired)
         WHERE k.fired
       ),
       w AS (
         INSERT INTO alert_outbox (id, tenant_id, endpoint_id, channel, kind, data, created_at, next_attempt_at)
         SELECT uuid_generate_v7(), a.tenant_id, a.endpoint_id, 'webhook'::"AlertChannel", a.kind, jsonb_strip_nulls(a.data), $1::timestamptz + make_interval(secs => a.ord / 1000.0), $1::timestamptz
         FROM a
         RETURNING endpoint_id
       ),
       m AS (
         INSERT INTO alert_outbox (id, tenant_id, endpoint_id, channel, kind, data, recipients, created_at, next_attempt_at)
         SELECT uuid_generate_v7(), a.tenant_id, a.endpoint_id, 'email'::"AlertChannel", a.kind, jsonb_strip_nulls(a.data), t.alert_emails, $1::timestamptz + make_interval(secs => a.ord / 1000.0), $1::timestamptz
         FROM a JOIN tenants t ON t.id = a.tenant_id
         WHERE $6::bool AND a.kind <> 'delivery.failed' AND cardinality(t.alert_emails) > 0
           AND NOT EXISTS (
             SELECT 1 FROM alert_outbox o
             WHERE o.endpoint_id = a.endpoint_id AND o.kind = a.kind AND o.channel = 'email'::"AlertChannel"
               AND o.created_at > $1::timestamptz - make_interval(secs => $5::float8 / 1000.0))
         RETURNING endpoint_id
       )
       SELECT u.tenant_id, u.id, u.url, u.disabled_fired AS disabled, u.disabled_reason, u.disabled_at,
              EXISTS (SELECT 1 FROM w WHERE w.endpoint_id = u.id) AS alerted
       FROM u`,
      [
        at,
        rules.failingAlertAfter,
        rules.disableAfterMs,
        rules.disableMinFailures,
        rules.dedupeMs,
        rules.email,
        col((s) => s.endpointId),
        col((s) => s.lastSuccessAt),
        col((s) => s.lastFailureAt),
        col((s) => s.reset),
        col((s) => s.streakFailures),
        col((s) => s.streakSince),
        col((s) => s.lastError),
        col((s) => s.lastResponseStatus),
        col((s) => s.lastErrorKind),
        col((s) => s.failedDeliveries),
        col((s) => s.failedDeliveryIds.join(' ')),
      ],
    );
    return rows.map((r) => ({ tenantId: r.tenant_id, endpointId: r.id, url: r.url, disabled: r.disabled, disabledReason: r.disabled_reason, disabledAt: r.disabled_at, alerted: r.alerted }));
  }
}
