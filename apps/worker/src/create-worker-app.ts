import 'reflect-metadata';
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { BatchSizesModule, createLogger, drainOnClose, LoggerModule, PinoNestLogger, type Logger } from '#libs/common';
import { DomainEventsModule } from '#libs/domain-events';
import { AppConfig, ConfigModule } from '#libs/config';
import { WorkerLifecycle } from './worker-lifecycle.js';
import { WorkerModule } from './worker.module.js';
import { ReconcileScheduler } from './reconcile.scheduler.js';
import { RetentionScheduler } from './retention.scheduler.js';

function rootModule(config: AppConfig, logger: Logger): DynamicModule {
  @Module({})
  class WorkerRootModule {}
  return { module: WorkerRootModule, imports: [ConfigModule.forRoot(config), LoggerModule.forRoot(logger), BatchSizesModule, DomainEventsModule, WorkerModule] };
}

/** Builds the worker, serves its health endpoint on HOST and `port`, then starts the queue workers. */
export async function startWorkerApp(config: AppConfig, port: number, logger: Logger = createLogger(config.logLevel, 'worker', undefined, config.logFormat)): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter();
  drainOnClose(adapter.getInstance());
  const app = await NestFactory.create<NestFastifyApplication>(rootModule(config, logger), adapter, {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
  });
  // Exit 0 once closed: Nest's default re-raises the signal, so the process would die by SIGTERM.
  app.enableShutdownHooks([], { useProcessExit: true });
  await app.listen({ port, host: config.host });
  app.get(WorkerLifecycle).start();
  app.get(ReconcileScheduler).start();
  app.get(RetentionScheduler).start();
  return app;
}
