import { Body, Controller, Headers, HttpCode, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ValidationFailedError } from '#libs/common';
import { EventService } from '#libs/events';
import { RequireScope, TenantId, TenantRoutes } from '../common/auth.js';
import { BatchDispatchResponse, BatchItemResult, DispatchBatchDto, DispatchEventDto, EventAcceptedResponse } from './dto/dispatch-event.dto.js';
import { toErrorBody } from '../common/error-body.js';
import { validateItem } from '../common/validation.pipe.js';

@ApiTags('events')
@TenantRoutes()
@Controller('v1/events')
export class EventsController {
  constructor(private readonly events: EventService) {}

  @RequireScope('events:write')
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

  /** Up to 1,000 events in one request and one statement; each item stands alone. */
  @Post('batch')
  @RequireScope('events:write')
  @HttpCode(200)
  @ApiOkResponse({ type: BatchDispatchResponse, description: 'one result per item, in order' })
  async dispatchBatch(@TenantId() tenantId: string, @Body() dto: DispatchBatchDto, @Headers('idempotency-key') headerKey: string | undefined): Promise<BatchDispatchResponse> {
    if (headerKey !== undefined) throw new ValidationFailedError('the Idempotency-Key header does not apply to a batch: give each event its own idempotencyKey');
    const items = await Promise.all(dto.events.map((e) => validateItem(DispatchEventDto, e)));
    const valid = items.filter((i): i is DispatchEventDto => i instanceof DispatchEventDto);
    const outcomes = await this.events.dispatchBatch(tenantId, valid.map((i) => ({ type: i.type, data: i.data, idempotencyKey: i.idempotencyKey })));
    let k = 0;
    const results = items.map((i): BatchItemResult => {
      if (!(i instanceof DispatchEventDto)) return { status: i.status, error: toErrorBody(i) };
      const o = outcomes[k++]!;
      return 'ok' in o ? { status: 202, id: o.ok.event.id, type: o.ok.event.type, createdAt: o.ok.event.createdAt, replayed: o.ok.replayed } : { status: o.error.status, error: toErrorBody(o.error) };
    });
    return { results };
  }
}
