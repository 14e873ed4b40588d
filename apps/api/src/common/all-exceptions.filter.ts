import { Catch, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LOGGER, TooManyRequestsError, type Logger } from '#libs/common';
import { toErrorBody } from './error-body.js';

/** Maps every error to its status and the shared JSON body; 5xx are logged, never explained. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(err: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = toErrorBody(err, host.switchToHttp().getRequest<FastifyRequest>().routeOptions?.bodyLimit);
    if (body.statusCode >= 500) this.logger.error({ err }, 'request failed');
    if (body.statusCode === 503) void reply.header('retry-after', '5');
    if (err instanceof TooManyRequestsError) void reply.header('retry-after', String(err.retryAfterSeconds));
    void reply.status(body.statusCode).send(body);
  }
}
