import { Controller, Delete, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RecoveryService } from '#libs/redelivery';
import { RequireScope, TenantId, TenantRoutes } from '../common/auth.js';
import { IdParamPipe } from '../common/id-param.pipe.js';
import { RecoveryResponse } from './dto/recovery.response.js';

const recoveryId = new IdParamPipe('recovery');

/** Recoveries started with POST /v1/endpoints/:id/recover. */
@ApiTags('recoveries')
@TenantRoutes()
@Controller('v1/recoveries')
export class RecoveriesController {
  constructor(private readonly recoveries: RecoveryService) {}

  @RequireScope('deliveries:read')
  @Get(':id')
  @ApiOkResponse({ type: RecoveryResponse })
  get(@TenantId() tenantId: string, @Param('id', recoveryId) id: string) {
    return this.recoveries.get(tenantId, id);
  }

  /** 200 with the cancelled recovery (again, if it was cancelled already); 409 once it has finished. */
  @RequireScope('deliveries:write')
  @Delete(':id')
  @ApiOkResponse({ type: RecoveryResponse, description: 'cancelled: no further page is sent; deliveries already pending go on' })
  cancel(@TenantId() tenantId: string, @Param('id', recoveryId) id: string) {
    return this.recoveries.cancel(tenantId, id);
  }
}
