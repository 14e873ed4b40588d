import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { NotFoundError, ValidationFailedError } from '#libs/common';
import { EventLogRepository, EventService } from '#libs/events';
import { RedeliveryService } from '#libs/redelivery';
import { RequireScope, TenantId, TenantRoutes } from '../common/auth.js';
import { IdParamPipe } from '../common/id-param.pipe.js';
import { RawJsonMember } from '../common/raw-body.js';
import { cursorToId, toTimeRange } from '../common/pagination.js';
import { BatchDispatchResponse, BatchItemResult, DispatchBatchDto, DispatchEventDto, EventAcceptedResponse, EventExpungedResponse } from './dto/dispatch-event.dto.js';
import { EventPage, EventWithDeliveriesResponse } from './dto/event.response.js';
import { ListEventsQuery } from './dto/list-events.query.js';
import { ReplayEventDto, ReplayResponse } from './dto/replay-event.dto.js';
import { toErrorBody } from '../common/error-body.js';
import { validateItem } from '../common/validation.pipe.js';

@ApiTags('events')
@TenantRoutes()
@Controller('v1/events')
export class EventsController {
  constructor(
    private readonly events: EventService,
    private readonly redelivery: RedeliveryService,
    private readonly log: EventLogRepository,
  ) {}

  @RequireScope('events:write')
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

  @RequireScope('deliveries:write')
  @Post(':id/replay')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: ReplayResponse, description: 'sent again to every active endpoint subscribed now; pending deliveries are left alone' })
  async replay(@TenantId() tenantId: string, @Param('id', new IdParamPipe('event')) id: string, @Body() dto: ReplayEventDto): Promise<ReplayResponse> {
    return { deliveries: await this.redelivery.replay(tenantId, id, dto.force ?? false) };
  }

  @RequireScope('deliveries:read')
  @Get()
  @ApiOkResponse({ type: EventPage })
  list(@TenantId() tenantId: string, @Query() q: ListEventsQuery) {
    return this.log.list(tenantId, { type: q.type, ...toTimeRange(q), limit: q.limit ?? 50, beforeId: cursorToId(q.cursor) });
  }

  @RequireScope('deliveries:read')
  @Get(':id')
  @ApiOkResponse({ type: EventWithDeliveriesResponse })
  async get(@TenantId() tenantId: string, @Param('id', new IdParamPipe('event')) id: string) {
    const e = await this.log.get(tenantId, id);
    if (!e) throw new NotFoundError('event');
    return e;
  }

  @RequireScope('events:write')
  @Post(':id/expunge')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Expunge an event (data-subject request)',
    description: "Removes the event's data and its attempts' response bodies and keeps the metadata (type, times, delivery statuses). Pending deliveries end failed. Idempotent. Resending or replaying the event afterwards answers 409.",
  })
  @ApiOkResponse({ type: EventExpungedResponse })
  @ApiNotFoundResponse({ description: 'no such event for this tenant' })
  expunge(@TenantId() tenantId: string, @Param('id', new IdParamPipe('event')) id: string): Promise<EventExpungedResponse> {
    return this.events.expunge(tenantId, id);
  }
}
