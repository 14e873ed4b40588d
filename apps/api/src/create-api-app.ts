import 'reflect-metadata';
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { BatchSizesModule, createLogger, drainOnClose, LoggerModule, PinoNestLogger, type Logger } from '#libs/common';
import { DomainEventsModule } from '#libs/domain-events';
import { AppConfig, ConfigModule } from '#libs/config';
import { ApiModule } from './api.module.js';
import { ErrorBodyResponse, toErrorBody } from './common/error-body.js';
import { serveConsole } from './console/console-static.js';
import { assertRouteScopes } from './common/route-table.js';
import { keepRawJsonBodies } from './common/raw-body.js';
import { createValidationPipe } from './common/validation.pipe.js';

export const MAX_BODY_BYTES = 256 * 1024;
/** Routes that take more than MAX_BODY_BYTES: a batch of up to 1,000 events. */
export const LARGE_BODY_ROUTES: Readonly<Record<string, number>> = { '/v1/events/batch': 5 * 1024 * 1024 };

function rootModule(config: AppConfig, logger: Logger): DynamicModule {
  @Module({})
  class ApiRootModule {}
  return { module: ApiRootModule, imports: [ConfigModule.forRoot(config), LoggerModule.forRoot(logger), BatchSizesModule, DomainEventsModule, ApiModule] };
}

/** Builds the API application (not yet listening). Used by main.ts and by the tests. */
export async function createApiApp(config: AppConfig, logger: Logger = createLogger(config.logLevel, 'api', undefined, config.logFormat)): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: MAX_BODY_BYTES,
    trustProxy: true,
    // An external id (up to 255 characters, percent-encoded) travels in a path.
    routerOptions: { maxParamLength: 1024 },
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
  // Nest registers its routes at init, after this hook is in place.
  adapter.getInstance().addHook('onRoute', (route) => {
    const limit = LARGE_BODY_ROUTES[route.url];
    if (limit !== undefined) route.bodyLimit = limit;
  });
  assertRouteScopes(app);
  serveConsole(adapter.getInstance(), config);
  drainOnClose(adapter.getInstance());
  app.useGlobalPipes(createValidationPipe());
  // Exit 0 once closed: Nest's default re-raises the signal, so the process would die by SIGTERM.
  app.enableShutdownHooks([], { useProcessExit: true });

  SwaggerModule.setup('docs', app, () => createOpenApiDocument(app), { jsonDocumentUrl: 'docs-json' });
  return app;
}

/** The OpenAPI document of the app's routes, as served at /docs-json; needs no listening server
 * (`npm run client:generate` builds the client's types from it). */
export function createOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Hookrelay webhook platform')
    .setDescription(
      'Register endpoints, dispatch events, read the delivery log. Webhooks follow Standard Webhooks.\n\n' +
        'Keys (Authorization: Bearer): a tenant API key (whk_...) acts for its own tenant on the tenant routes; a service key ' +
        '(hrs_...) acts for the tenant named in the Hookrelay-Tenant header (`<tenant id>` or `ext:<externalId>`) within its ' +
        'scopes (each route names its scope in x-hookrelay-scope), and opens the admin tenant routes with tenants:read / tenants:write; ' +
        'the admin key (ADMIN_API_KEY) opens every admin route and, with the header, every tenant route.',
    )
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'whk_... (tenant API key), hrs_... (service key) or the admin key' })
    .build();
  return withErrorBodies(SwaggerModule.createDocument(app, config, { extraModels: [ErrorBodyResponse] }));
}

const ERROR_BODY_REF = { $ref: '#/components/schemas/ErrorBodyResponse' };
const DEFAULT_ERROR_DESCRIPTION =
  'an error, with the same JSON body on every route: 400 bad input, 401 no or unknown key, 403 scope, 404, 409, ' +
  '413 body too large, 415, 429 rate limited and 503 unavailable (both with Retry-After)';

/** Every /v1 operation answers its errors with ErrorBody: the responses the decorators declare
 * without a body get it, and a `default` response stands for the rest. */
function withErrorBodies(doc: OpenAPIObject): OpenAPIObject {
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!path.startsWith('/v1/')) continue;
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const op = item[method];
      if (!op) continue;
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) >= 400 && response && !('$ref' in response) && !response.content) response.content = { 'application/json': { schema: ERROR_BODY_REF } };
      }
      op.responses.default ??= { description: DEFAULT_ERROR_DESCRIPTION, content: { 'application/json': { schema: ERROR_BODY_REF } } };
    }
  }
  return doc;
}
