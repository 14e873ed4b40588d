import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

import { decodeCursor, ValidationFailedError } from '#libs/common';

export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1, { message: 'limit must be at least 1' })
  @Max(100, { message: 'limit must be at most 100' })
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor from the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

/** The id a cursor points after, or a 400 when it is not a cursor this API issued. */
export function cursorToId(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const id = decodeCursor(cursor);
  if (!id) throw new ValidationFailedError('cursor is invalid: pass nextCursor from a previous page unchanged');
  return id;
}

/** A page of a log filtered by creation time (deliveries, events). */
export class TimeRangePageQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'ISO 8601; created at or after' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'since must be an ISO 8601 date-time' })
  since?: string;

  @ApiPropertyOptional({ description: 'ISO 8601; created before' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'until must be an ISO 8601 date-time' })
  until?: string;
}

/** `since` and `until` as dates, or a 400 when they cannot be read or are in the wrong order. */
export function toTimeRange(q: { since?: string; until?: string }): { since?: Date; until?: Date } {
  const since = toDate('since', q.since);
  const until = toDate('until', q.until);
  if (since && until && since >= until) throw new ValidationFailedError('since must be before until');
  return { since, until };
}

/** IsISO8601 also passes forms Date cannot read (week dates 2026-W01, basic 20260101T000000Z):
 * those are a 400 here rather than an Invalid Date that fails the query with a 500. */
function toDate(field: string, value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new ValidationFailedError(`${field} must be an ISO 8601 date-time such as 2026-01-31T12:00:00Z`);
  return date;
}
