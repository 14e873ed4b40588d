import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { STATS_WINDOWS } from '#libs/endpoint-stats';

export class EndpointStatsQuery {
  @ApiPropertyOptional({ enum: STATS_WINDOWS, default: '24h', description: '60 buckets of 1 minute (1h), 24 minutes (24h) or 168 minutes (7d)' })
  @IsOptional()
  @IsIn(STATS_WINDOWS, { message: `window must be one of ${STATS_WINDOWS.join(', ')}` })
  window?: string;
}

export class LatencyPercentilesResponse {
  @ApiProperty({ nullable: true, type: Number, description: 'null without attempts' }) p50!: number | null;
  @ApiProperty({ nullable: true, type: Number }) p95!: number | null;
  @ApiProperty({ nullable: true, type: Number }) p99!: number | null;
}

export class AttemptsByResultResponse {
  @ApiProperty({ name: '2xx' }) '2xx'!: number;
  @ApiProperty({ name: '3xx' }) '3xx'!: number;
  @ApiProperty({ name: '4xx' }) '4xx'!: number;
  @ApiProperty({ name: '5xx' }) '5xx'!: number;
  @ApiProperty({ description: 'no complete response within DELIVERY_TIMEOUT_MS' }) timeout!: number;
  @ApiProperty({ description: 'connection refused, DNS, TLS, reset, blocked by the SSRF policy, ...' }) network!: number;
}

export class StatsBucketResponse {
  @ApiProperty() start!: Date;
  @ApiProperty() attempts!: number;
  @ApiProperty() succeeded!: number;
  @ApiProperty() failed!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'null when the bucket has no attempts' }) p95Ms!: number | null;
}

export class EndpointStatsResponse {
  @ApiProperty({ enum: STATS_WINDOWS }) window!: string;
  @ApiProperty({ description: 'start of the first bucket' }) from!: Date;
  @ApiProperty({ description: 'end of the last bucket (the current one, partly elapsed)' }) to!: Date;
  @ApiProperty({ enum: [1, 24, 168] }) bucketMinutes!: number;
  @ApiProperty({ description: 'attempts started in the window (retries count)' }) attempts!: number;
  @ApiProperty({ description: 'attempts answered 2xx' }) succeeded!: number;
  @ApiProperty({ description: 'every other attempt, retried or final' }) failed!: number;
  @ApiProperty({ nullable: true, type: Number, example: 0.9731, description: 'succeeded / attempts; null without attempts' }) successRate!: number | null;
  @ApiProperty({ type: LatencyPercentilesResponse, description: 'attempt durations in ms, from a histogram of √2-wide buckets (exact below 4 ms, otherwise within about 41%)' }) latencyMs!: LatencyPercentilesResponse;
  @ApiProperty({ type: AttemptsByResultResponse }) byResult!: AttemptsByResultResponse;
  @ApiProperty({ type: [StatsBucketResponse], description: 'exactly 60 buckets, oldest first' }) series!: StatsBucketResponse[];
}
