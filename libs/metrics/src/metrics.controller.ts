import { Controller, Get, Headers, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiProduces, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { createHash, timingSafeEqual } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { FastifyReply } from 'fastify';
import { AppConfig } from '#libs/config';
import { PlatformMetrics } from './platform-metrics.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest();

/** `GET /metrics` in the Prometheus text format, on the API (PORT) and the worker (WORKER_PORT).
 * With METRICS_TOKEN set it needs `Authorization: Bearer <token>`, compared in constant time. It
 * answers the worker too, which has no exception filter, so it writes its error bodies itself. */
@ApiTags('metrics')
@Controller('metrics')
export class MetricsController {
  private readonly expected: Buffer | null;

  constructor(
    private readonly metrics: PlatformMetrics,
    config: AppConfig,
  ) {
    this.expected = config.metricsToken === null ? null : sha256(config.metricsToken);
  }

  @Get()
  @ApiBearerAuth()
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text format (version 0.0.4)' })
  @ApiUnauthorizedResponse({ description: 'METRICS_TOKEN is set and the bearer token is missing or wrong' })
  @ApiNotFoundResponse({ description: 'metrics are turned off (METRICS_ENABLED=false)' })
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    if (!this.metrics.enabled) return this.refuse(reply, 404, 'metrics are turned off (METRICS_ENABLED=false)');
    if (this.expected !== null) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
      if (!m) return this.refuse(reply, 401, 'missing bearer token: send Authorization: Bearer <METRICS_TOKEN>');
      if (!timingSafeEqual(sha256(m[1]!), this.expected)) return this.refuse(reply, 401, 'invalid metrics token');
    }
    const text = await this.metrics.registry.metrics();
    await reply.status(200).header('content-type', this.metrics.registry.contentType).send(text);
  }

  private async refuse(reply: FastifyReply, statusCode: number, message: string): Promise<void> {
    await reply.status(statusCode).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify({ statusCode, error: STATUS_CODES[statusCode], message }));
  }
}
