import { ApiProperty } from '@nestjs/swagger';

export class OverviewMinute {
  @ApiProperty({ description: 'start of the minute (UTC)' }) minute!: Date;
  @ApiProperty({ description: 'delivery attempts that started in this minute, every tenant' }) attempts!: number;
  @ApiProperty({ description: 'attempts answered 2xx' }) succeeded!: number;
  @ApiProperty({ description: 'every other attempt (retried or final)' }) failed!: number;
}

export class OverviewLastHour {
  @ApiProperty() attempts!: number;
  @ApiProperty() succeeded!: number;
  @ApiProperty() failed!: number;
  @ApiProperty({ nullable: true, type: Number, minimum: 0, maximum: 1, description: 'succeeded / attempts; null without attempts' }) successRate!: number | null;
}

export class OverviewQueueCounts {
  @ApiProperty({ description: 'jobs ready to run (prioritized included)' }) waiting!: number;
  @ApiProperty({ description: 'jobs waiting for their time: retries, rate-limit and concurrency waits' }) delayed!: number;
  @ApiProperty({ description: 'jobs running now' }) active!: number;
}

export class OverviewQueues {
  @ApiProperty({ type: OverviewQueueCounts }) fanout!: OverviewQueueCounts;
  @ApiProperty({ type: OverviewQueueCounts }) delivery!: OverviewQueueCounts;
  @ApiProperty({ type: OverviewQueueCounts }) recovery!: OverviewQueueCounts;
}

export class OverviewBacklog {
  @ApiProperty({ description: 'deliveries not finished yet (waiting for an attempt or a retry), every tenant' }) pendingDeliveries!: number;
  @ApiProperty({ description: 'true when there are more than 1,000,000 pending deliveries (the count stops there)' }) pendingDeliveriesCapped!: boolean;
  @ApiProperty({ type: OverviewQueues, nullable: true, description: 'jobs per queue; null when Redis did not answer' }) queues!: OverviewQueues | null;
}

export class OverviewFailingEndpoint {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) tenantId!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ enum: ['active', 'disabled'] }) status!: string;
  @ApiProperty() failingSince!: Date;
  @ApiProperty({ nullable: true, type: String }) lastError!: string | null;
}

export class OverviewEndpoints {
  @ApiProperty({ description: 'endpoints (not deleted), every tenant' }) total!: number;
  @ApiProperty({ description: 'disabled endpoints (by their tenant or by auto-disable)' }) disabled!: number;
  @ApiProperty({ description: 'active endpoints whose deliveries are failing (failingSince set)' }) failing!: number;
  @ApiProperty({ type: [OverviewFailingEndpoint], description: 'up to 10 endpoints failing longest, active or disabled' }) failingLongest!: OverviewFailingEndpoint[];
}

export class OverviewResponse {
  @ApiProperty() generatedAt!: Date;
  @ApiProperty({ type: [OverviewMinute], description: 'the last 60 minutes, oldest first, the current (partial) minute last; from the endpoint-stats rollup' }) perMinute!: OverviewMinute[];
  @ApiProperty({ type: OverviewLastHour, description: 'totals over perMinute' }) lastHour!: OverviewLastHour;
  @ApiProperty({ type: OverviewBacklog }) backlog!: OverviewBacklog;
  @ApiProperty({ type: OverviewEndpoints }) endpoints!: OverviewEndpoints;
}
