import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PrismaService } from '#libs/database';
import { RedisHealth } from '#libs/queue';

/** Liveness (`/health/live`: the process answers) and readiness (`/health`: Postgres and Redis). */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly prisma: PrismaService,
    private readonly redis: RedisHealth,
  ) {}

  @Get()
  @ApiOkResponse({ description: 'ready: database and Redis reachable' })
  @ApiServiceUnavailableResponse({ description: 'a dependency is down' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const [database, redis] = await Promise.all([this.prisma.isUp(), this.redis.isUp()]);
    const ok = database && redis;
    void reply.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'unavailable', checks: { database: database ? 'up' : 'down', redis: redis ? 'up' : 'down' } };
  }

  @Get('live')
  @HttpCode(200)
  live() {
    return { status: 'ok' };
  }
}
