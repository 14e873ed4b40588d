import { Injectable } from '@nestjs/common';
import { PrismaService } from '#libs/database';
import { LATENCY_BUCKETS } from './latency-histogram.js';
import { toPeriods, type MinuteStats } from './stats-buffer.js';
import type { BucketSums, StatsRange } from './stats-window.js';

const COUNT_COLUMNS = ['status_2xx', 'status_3xx', 'status_4xx', 'status_5xx', 'timeouts', 'network_errors'] as const;

/** The two rollup tables and their time column. */
const ROLLUP = {
  minutes: { table: 'endpoint_stats_minutes', at: 'minute' },
  periods: { table: 'endpoint_stats_periods', at: 'period_start' },
} as const;
type Rollup = keyof typeof ROLLUP;

/** One upsert that adds rows to a rollup table (counts, and the histogram through hist_add), from the
 * unnest arrays at parameters $first.. ; rows in key order, so two flushes cannot deadlock, and only
 * for endpoints that still exist. */
function upsert(r: Rollup, first: number): string {
  const { table, at } = ROLLUP[r];
  const p = (i: number) => `$${first + i}`;
  return `INSERT INTO ${table} AS m (endpoint_id, ${at}, tenant_id, attempts, succeeded, failed, ${COUNT_COLUMNS.join(', ')}, latency)
    SELECT s.endpoint_id, s.at, s.tenant_id, s.c2 + s.c3 + s.c4 + s.c5 + s.ct + s.cn, s.c2, s.c3 + s.c4 + s.c5 + s.ct + s.cn,
           s.c2, s.c3, s.c4, s.c5, s.ct, s.cn, s.latency::int[]
    FROM unnest(${p(0)}::uuid[], ${p(1)}::timestamptz[], ${p(2)}::uuid[], ${p(3)}::int[], ${p(4)}::int[], ${p(5)}::int[], ${p(6)}::int[], ${p(7)}::int[], ${p(8)}::int[], ${p(9)}::text[])
      AS s(endpoint_id, at, tenant_id, c2, c3, c4, c5, ct, cn, latency)
    WHERE EXISTS (SELECT 1 FROM endpoints e WHERE e.id = s.endpoint_id AND e.tenant_id = s.tenant_id)
    ORDER BY s.endpoint_id, s.at
    ON CONFLICT (endpoint_id, ${at}) DO UPDATE SET
      attempts = m.attempts + EXCLUDED.attempts,
      succeeded = m.succeeded + EXCLUDED.succeeded,
      failed = m.failed + EXCLUDED.failed,
      ${COUNT_COLUMNS.map((c) => `${c} = m.${c} + EXCLUDED.${c}`).join(',\n      ')},
      latency = hist_add(m.latency, EXCLUDED.latency)`;
}

const ADD = `WITH minutes AS (${upsert('minutes', 1)} RETURNING 1),
  periods AS (${upsert('periods', 11)} RETURNING 1)
  SELECT (SELECT count(*) FROM minutes)::int AS minutes, (SELECT count(*) FROM periods)::int AS periods`;

function params(rows: readonly MinuteStats[]): unknown[] {
  const col = (i: number) => rows.map((m) => m.byResult[i]!);
  return [
    rows.map((m) => m.endpointId),
    rows.map((m) => new Date(m.minute)),
    rows.map((m) => m.tenantId),
    col(0),
    col(1),
    col(2),
    col(3),
    col(4),
    col(5),
    rows.map((m) => `{${m.latency.join(',')}}`),
  ];
}

/** Per series bucket: the six count columns summed, and the histogram summed element by element;
 * plus a row with bucket -1 when the tenant has the endpoint (one round trip for both). */
function sumsQuery(r: Rollup): string {
  const { table, at } = ROLLUP[r];
  return `WITH ep AS (SELECT 1 FROM endpoints WHERE id = $2::uuid AND tenant_id = $1::uuid AND deleted_at IS NULL)
    SELECT -1 AS bucket, NULL::float8[] AS by_result, NULL::float8[] AS latency FROM ep
    UNION ALL
    SELECT floor(extract(epoch FROM s.${at} - $3::timestamptz)::float8 * 1000 / $5::float8)::int,
      ARRAY[${COUNT_COLUMNS.map((c) => `sum(s.${c})`).join(', ')}]::float8[],
      ARRAY[${Array.from({ length: LATENCY_BUCKETS }, (_, i) => `sum(s.latency[${i + 1}])`).join(', ')}]::float8[]
    FROM ${table} s
    WHERE EXISTS (SELECT 1 FROM ep) AND s.endpoint_id = $2::uuid AND s.tenant_id = $1::uuid AND s.${at} >= $3::timestamptz AND s.${at} < $4::timestamptz
    GROUP BY 1`;
}

/** The endpoint-stats rollup: `endpoint_stats_minutes` and `endpoint_stats_periods` (24 minutes). */
@Injectable()
export class EndpointStatsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Adds a batch of endpoint-minutes to both rollups in one statement. Upserts add to what is
   * stored, so several workers may flush the same minute. Minutes of an endpoint that no longer
   * exists are skipped. */
  async add(batch: readonly MinuteStats[]): Promise<void> {
    if (batch.length === 0) return;
    await this.prisma.rows(ADD, [...params(batch), ...params(toPeriods(batch))]);
  }

  /** One endpoint's rollup over `range`, summed per series bucket (at most 60 rows), read along the
   * primary key from the rollup the window uses (at most 420 rows); null when the tenant has no such
   * endpoint (or it was deleted). */
  async sums(tenantId: string, endpointId: string, range: StatsRange): Promise<BucketSums[] | null> {
    const rows = await this.prisma.rows<{ bucket: number; by_result: number[] | null; latency: Array<number | null> | null }>(sumsQuery(range.rollup), [
      tenantId,
      endpointId,
      new Date(range.from),
      new Date(range.to),
      range.bucketMs,
    ]);
    if (!rows.some((r) => r.bucket === -1)) return null;
    return rows.filter((r) => r.bucket >= 0).map((r) => ({ bucket: r.bucket, byResult: r.by_result!, latency: r.latency!.map((n) => n ?? 0) }));
  }

  /** Deletes rows of a rollup older than `before`, at most `limit` of them; returns how many. */
  async purge(rollup: Rollup, before: Date, limit: number): Promise<number> {
    const { table, at } = ROLLUP[rollup];
    const rows = await this.prisma.rows<{ n: number }>(
      `WITH d AS (
         DELETE FROM ${table} WHERE ctid = ANY(ARRAY(SELECT ctid FROM ${table} WHERE ${at} < $1::timestamptz LIMIT $2))
         RETURNING 1
       )
       SELECT count(*)::int AS n FROM d`,
      [before, limit],
    );
    return rows[0]?.n ?? 0;
  }
}
