import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiConflictResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { NotFoundError } from '#libs/common';
import { DeliveryLogRepository } from '#libs/delivery';
import { RedeliveryService } from '#libs/redelivery';
import { RequireScope, TenantId, TenantRoutes } from '../common/auth.js';
import { IdParamPipe } from '../common/id-param.pipe.js';
import { ListDeliveriesQuery } from './dto/list-deliveries.query.js';
import { DeliveryPage, DeliveryResponse, DeliveryWithAttemptsResponse } from './dto/delivery.response.js';
import { toDeliveryFilter } from './to-filter.js';

@ApiTags('deliveries')
@TenantRoutes()
@Controller('v1/deliveries')
export class DeliveriesController {
  constructor(
    private readonly log: DeliveryLogRepository,
    private readonly redelivery: RedeliveryService,
  ) {}

  @RequireScope('deliveries:read')
  @Get()
  @ApiOkResponse({ type: DeliveryPage })
  list(@TenantId() tenantId: string, @Query() q: ListDeliveriesQuery) {
    return this.log.list(tenantId, toDeliveryFilter(q));
  }

  @RequireScope('deliveries:read')
  @Get(':id')
  @ApiOkResponse({ type: DeliveryWithAttemptsResponse })
  async get(@TenantId() tenantId: string, @Param('id', new IdParamPipe('delivery')) id: string) {
    const d = await this.log.get(tenantId, id);
    if (!d) throw new NotFoundError('delivery');
    return d;
  }

  /** Takes no body. */
  @RequireScope('deliveries:write')
  @Post(':id/resend')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: DeliveryResponse, description: 'pending again: a new series of attempts (numbers go on, the retry schedule starts over)' })
  @ApiConflictResponse({ description: 'the delivery is pending, or its endpoint is disabled or deleted' })
  resend(@TenantId() tenantId: string, @Param('id', new IdParamPipe('delivery')) id: string) {
    return this.redelivery.resend(tenantId, id);
  }
}
