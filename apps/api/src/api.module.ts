import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { DatabaseModule } from '#libs/database';
import { DeliveryModule } from '#libs/delivery';
import { EndpointStatsModule } from '#libs/endpoint-stats';
import { EndpointsModule } from '#libs/endpoints';
import { EventsModule } from '#libs/events';
import { HealthController } from '#libs/health';
import { MetricsModule } from '#libs/metrics';
import { QueueModule } from '#libs/queue';
import { RedeliveryModule } from '#libs/redelivery';
import { TenantsModule } from '#libs/tenants';
import { AdminController } from './admin/admin.controller.js';
import { ApiKeysController } from './api-keys/api-keys.controller.js';
import { AllExceptionsFilter } from './common/all-exceptions.filter.js';
import { CallerAuthenticator } from './common/auth.js';
import { DeliveriesController } from './deliveries/deliveries.controller.js';
import { EndpointsController } from './endpoints/endpoints.controller.js';
import { EventsController } from './events/events.controller.js';
import { RecoveriesController } from './recoveries/recoveries.controller.js';
import { SettingsController } from './settings/settings.controller.js';

/** The HTTP API. Config and logger modules are supplied by `createApiApp`. */
@Module({
  imports: [DatabaseModule, QueueModule.forRole('producer'), TenantsModule, EndpointsModule, EventsModule, DeliveryModule, RedeliveryModule, EndpointStatsModule, MetricsModule.forRole('api')],
  controllers: [AdminController, ApiKeysController, EndpointsController, EventsController, DeliveriesController, RecoveriesController, SettingsController, HealthController],
  providers: [{ provide: APP_FILTER, useClass: AllExceptionsFilter }, CallerAuthenticator],
})
export class ApiModule {}
