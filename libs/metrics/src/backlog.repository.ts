import { Injectable } from '@nestjs/common';
import { PrismaService } from '#libs/database';

/** The metrics' one query. System-wide (not a tenant read), like the reconciler's scans. */
@Injectable()
export class BacklogRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Seconds since the oldest pending delivery fell due (0 when none is overdue): the first entry of
   * the deliveries(status, next_attempt_at) index, so it costs the same however large the table is. */
  async oldestDueAgeSeconds(): Promise<number> {
    const rows = await this.prisma.rows<{ age: number }>(
      `SELECT extract(epoch FROM now() - next_attempt_at)::float8 AS age
       FROM deliveries
       WHERE status = 'pending' AND next_attempt_at <= now()
       ORDER BY next_attempt_at
       LIMIT 1`,
    );
    return rows[0] ? Math.max(0, rows[0].age) : 0;
  }
}
