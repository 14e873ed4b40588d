import { Module } from '@nestjs/common';
import { Clock } from '#libs/common';
import { AdminOverviewRepository } from './admin-overview.repository.js';
import { AdminOverviewService } from './admin-overview.service.js';
import { EndpointStatsRecorder } from './endpoint-stats.recorder.js';
import { EndpointStatsRepository } from './endpoint-stats.repository.js';
import { EndpointStatsService } from './endpoint-stats.service.js';

/** The read side, for the API: GET /v1/endpoints/:id/stats, and the operator overview (GET /v1/admin/overview). */
@Module({ providers: [Clock, EndpointStatsRepository, EndpointStatsService, AdminOverviewRepository, AdminOverviewService], exports: [EndpointStatsService, AdminOverviewService] })
export class EndpointStatsModule {}

/** The write side, for the worker, where attempts are recorded. */
@Module({ providers: [EndpointStatsRepository, EndpointStatsRecorder], exports: [EndpointStatsRecorder] })
export class EndpointStatsRecorderModule {}
