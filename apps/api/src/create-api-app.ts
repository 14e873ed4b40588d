import 'reflect-metadata';
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { createLogger, drainOnClose, LoggerModule, PinoNestLogger, type Logger } from '#libs/common';
import { DomainEventsModule } from '#libs/domain-events';
import { AppConfig, ConfigModule } from '#libs/config';
import { ApiModule } from './api.module.js';
import { toErrorBody } from './common/error-body.js';
import { keepRawJsonBodies } from './common/raw-body.js';
import { createValidationPipe } from './common/validation.pipe.js';

export const MAX_BODY_BYTES = 256 * 1024;

function rootModule(config: AppConfig, logger: Logger): DynamicModule {
  @Module({})
  class ApiRootModule {}
  return { module: ApiRootModule, imports: [ConfigModule.forRoot(config), LoggerModule.forRoot(logger), DomainEventsModule, ApiModule] };
}

/** Builds the API application (not yet listening). Used by main.ts and by the tests. */
export async function createApiApp(config: AppConfig, logger: Logger = createLogger(config.logLevel, 'api', undefined, config.logFormat)): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: MAX_BODY_BYTES,
    trustProxy: true,
    // The router's own rejections (a malformed URL: 400, an over-long parameter: 414) answer before
    // Nest sees the request; give them the shared error body too.
    frameworkErrors: (err: FastifyError, _req: FastifyRequest, reply: FastifyReply) => {
      const body = toErrorBody(err);
      void reply.status(body.statusCode).send(body);
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(rootModule(config, logger), adapter, {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
    // Fastify's own JSON parser only: Nest would add a form parser, and Fastify's text/plain one
    // is removed below, so any other content type is a 415 instead of a body the DTO misreads.
    bodyParser: false,
  });
  adapter.getInstance().removeContentTypeParser('text/plain');
  keepRawJsonBodies(adapter.getInstance());
  drainOnClose(adapter.getInstance());
  app.useGlobalPipes(createValidationPipe());
  // Exit 0 once closed: Nest's default re-raises the signal, so the process would die by SIGTERM.
  app.enableShutdownHooks([], { useProcessExit: true });

  const doc = new DocumentBuilder()
    .setTitle('Hookrelay webhook platform')
    .setDescription('Register endpoints, dispatch events, read the delivery log. Webhooks follow Standard Webhooks.')
    .setVersion('0.1.0')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, doc), { jsonDocumentUrl: 'docs-json' });
  return app;
}
