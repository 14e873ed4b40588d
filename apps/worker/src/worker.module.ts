import { Module } from '@nestjs/common';
import { AlertsModule } from '#libs/alerts';
import { DatabaseModule } from '#libs/database';
import { DeliveryModule } from '#libs/delivery';
import { EndpointHealthModule } from '#libs/endpoint-health';
import { EndpointStatsRecorderModule } from '#libs/endpoint-stats';
import { EventsModule } from '#libs/events';
import { HealthController } from '#libs/health';
import { MetricsModule } from '#libs/metrics';
import { QueueModule } from '#libs/queue';
import { ReconcileModule } from '#libs/reconcile';
import { RedeliveryModule } from '#libs/redelivery';
import { RetentionModule } from '#libs/retention';
import { DeliveryProcessor } from './delivery.processor.js';
import { FanOutProcessor } from './fan-out.processor.js';
import { RecoveryProcessor } from './recovery.processor.js';
import { ReconcileScheduler } from './reconcile.scheduler.js';
import { RetentionScheduler } from './retention.scheduler.js';
import { WorkerLifecycle } from './worker-lifecycle.js';

/** The worker: BullMQ processors plus a health endpoint. Config and logger come from `createWorkerApp`. */
@Module({
  imports: [DatabaseModule, QueueModule.forRole('worker'), EventsModule, DeliveryModule, ReconcileModule, EndpointHealthModule, EndpointStatsRecorderModule, AlertsModule, RedeliveryModule, RetentionModule, MetricsModule.forRole('worker')],
  controllers: [HealthController],
  providers: [FanOutProcessor, DeliveryProcessor, RecoveryProcessor, WorkerLifecycle, ReconcileScheduler, RetentionScheduler],
})
export class WorkerModule {}
