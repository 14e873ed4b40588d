import { Body, Controller, Headers, HttpCode, Post, Res, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ValidationFailedError } from '#libs/common';
import { EventService } from '#libs/events';
import { TenantAuthGuard, TenantId } from '../common/auth.js';
import { RawJsonMember } from '../common/raw-body.js';
import { DispatchEventDto, EventAcceptedResponse } from './dto/dispatch-event.dto.js';

@ApiTags('events')
@ApiBearerAuth()
@UseGuards(TenantAuthGuard)
@Controller('v1/events')
export class EventsController {
  constructor(private readonly events: EventService) {}

  @Post()
  @HttpCode(202)
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiAcceptedResponse({ type: EventAcceptedResponse })
  async dispatch(
    @TenantId() tenantId: string,
    @Body() dto: DispatchEventDto,
    @RawJsonMember('data') dataJson: string | undefined,
    @Headers('idempotency-key') headerKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<EventAcceptedResponse> {
    if (headerKey !== undefined && (headerKey.length === 0 || headerKey.length > 255)) {
      throw new ValidationFailedError('Idempotency-Key header must be 1 to 255 characters');
    }
    if (headerKey !== undefined && dto.idempotencyKey !== undefined && headerKey !== dto.idempotencyKey) {
      throw new ValidationFailedError('Idempotency-Key header and idempotencyKey field differ');
    }
    const { event, replayed } = await this.events.dispatch(tenantId, { type: dto.type, data: dto.data, dataJson, idempotencyKey: dto.idempotencyKey ?? headerKey });
    if (replayed) void reply.header('idempotent-replayed', 'true');
    return { id: event.id, type: event.type, createdAt: event.createdAt };
  }
}
