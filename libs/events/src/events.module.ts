import { Module } from '@nestjs/common';
import { EventRepository } from './event.repository.js';
import { EventService } from './event.service.js';
import { FanOutService } from './fan-out.service.js';

@Module({ providers: [EventRepository, EventService, FanOutService], exports: [EventService, FanOutService] })
export class EventsModule {}
