import { Module, type DynamicModule } from '@nestjs/common';
import { BacklogRepository } from './backlog.repository.js';
import { BacklogSampler } from './backlog-sampler.js';
import { MetricsController } from './metrics.controller.js';
import { PlatformMetrics } from './platform-metrics.js';

/** `GET /metrics` and the series behind it. The worker also samples the backlog gauges (queue
 * counts, oldest due delivery); the API leaves them to it, so the series come from one process kind. */
@Module({})
export class MetricsModule {
  static forRole(role: 'api' | 'worker'): DynamicModule {
    const providers = role === 'worker' ? [PlatformMetrics, BacklogRepository, BacklogSampler] : [PlatformMetrics];
    return { module: MetricsModule, controllers: [MetricsController], providers, exports: providers };
  }
}
