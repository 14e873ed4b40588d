import { Body, Controller, Headers, HttpCode, Param, Post, Res, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ValidationFailedError } from '#libs/common';
import { EventService } from '#libs/events';
import { RedeliveryService } from '#libs/redelivery';
import { TenantAuthGuard, TenantId } from '../common/auth.js';
import { IdParamPipe } from '../common/id-param.pipe.js';
import { DispatchEventDto, EventAcceptedResponse } from './dto/dispatch-event.dto.js';
import { ReplayEventDto, ReplayResponse } from './dto/replay-event.dto.js';

@ApiTags('events')
@ApiBearerAuth()
@UseGuards(TenantAuthGuard)
@Controller('v1/events')
export class EventsController {
  constructor(
    private readonly events: EventService,
    private readonly redelivery: RedeliveryService,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiAcceptedResponse({ type: EventAcceptedResponse })
  async dispatch(
    @TenantId() tenantId: string,
    @Body() dto: DispatchEventDto,
    @Headers('idempotency-key') headerKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<EventAcceptedResponse> {
    if (headerKey !== undefined && (headerKey.length === 0 || headerKey.length > 255)) {
      throw new ValidationFailedError('Idempotency-Key header must be 1 to 255 characters');
    }
    if (headerKey !== undefined && dto.idempotencyKey !== undefined && headerKey !== dto.idempotencyKey) {
      throw new ValidationFailedError('Idempotency-Key header and idempotencyKey field differ');
    }
    const { event, replayed } = await this.events.dispatch(tenantId, { type: dto.type, data: dto.data, idempotencyKey: dto.idempotencyKey ?? headerKey });
    if (replayed) void reply.header('idempotent-replayed', 'true');
    return { id: event.id, type: event.type, createdAt: event.createdAt };
  }

  @Post(':id/replay')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: ReplayResponse, description: 'sent again to every active endpoint subscribed now; pending deliveries are left alone' })
  async replay(@TenantId() tenantId: string, @Param('id', new IdParamPipe('event')) id: string, @Body() dto: ReplayEventDto): Promise<ReplayResponse> {
    return { deliveries: await this.redelivery.replay(tenantId, id, dto.force ?? false) };
  }
}
