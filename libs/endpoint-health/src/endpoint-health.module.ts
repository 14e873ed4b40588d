import { Module } from '@nestjs/common';
import { EndpointHealthRecorder } from './endpoint-health.recorder.js';
import { EndpointHealthRepository } from './endpoint-health.repository.js';

/** Imported by the worker, where attempts are recorded. */
@Module({ providers: [EndpointHealthRepository, EndpointHealthRecorder], exports: [EndpointHealthRecorder] })
export class EndpointHealthModule {}
