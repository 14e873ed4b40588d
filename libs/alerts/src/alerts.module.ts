import { Module } from '@nestjs/common';
import { EventsModule } from '#libs/events';
import { AlertMailer } from './alert-mailer.js';
import { AlertOutboxRepository } from './alert-outbox.repository.js';
import { AlertSender } from './alert-sender.js';

/** Imported by the worker: sends what the endpoint-health flush put in the alert outbox. */
@Module({ imports: [EventsModule], providers: [AlertOutboxRepository, AlertMailer, AlertSender], exports: [AlertSender] })
export class AlertsModule {}
