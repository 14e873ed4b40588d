import { Module } from '@nestjs/common';
import { EventLogRepository } from './event-log.repository.js';
import { EventRepository } from './event.repository.js';
import { EventService } from './event.service.js';
import { EventWriter } from './event-writer.js';
import { FanOutService } from './fan-out.service.js';

@Module({ providers: [EventRepository, EventWriter, EventService, FanOutService, EventLogRepository], exports: [EventService, FanOutService, EventLogRepository] })
export class EventsModule {}
