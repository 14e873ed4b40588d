import { Module } from '@nestjs/common';
import { EndpointRepository } from './endpoint.repository.js';
import { EndpointService } from './endpoint.service.js';

@Module({ providers: [EndpointRepository, EndpointService], exports: [EndpointService] })
export class EndpointsModule {}
