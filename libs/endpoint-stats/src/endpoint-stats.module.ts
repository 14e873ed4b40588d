import { Module } from '@nestjs/common';
import { Clock } from '#libs/common';
import { EndpointStatsRecorder } from './endpoint-stats.recorder.js';
import { EndpointStatsRepository } from './endpoint-stats.repository.js';
import { EndpointStatsService } from './endpoint-stats.service.js';

/** The read side, for the API: GET /v1/endpoints/:id/stats. */
@Module({ providers: [Clock, EndpointStatsRepository, EndpointStatsService], exports: [EndpointStatsService] })
export class EndpointStatsModule {}

/** The write side, for the worker, where attempts are recorded. */
@Module({ providers: [EndpointStatsRepository, EndpointStatsRecorder], exports: [EndpointStatsRecorder] })
export class EndpointStatsRecorderModule {}
