import { Controller, Delete, Get, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RecoveryService } from '#libs/redelivery';
import { TenantAuthGuard, TenantId } from '../common/auth.js';
import { IdParamPipe } from '../common/id-param.pipe.js';
import { RecoveryResponse } from './dto/recovery.response.js';

const recoveryId = new IdParamPipe('recovery');

/** Recoveries started with POST /v1/endpoints/:id/recover. */
@ApiTags('recoveries')
@ApiBearerAuth()
@UseGuards(TenantAuthGuard)
@Controller('v1/recoveries')
export class RecoveriesController {
  constructor(private readonly recoveries: RecoveryService) {}

  @Get(':id')
  @ApiOkResponse({ type: RecoveryResponse })
  get(@TenantId() tenantId: string, @Param('id', recoveryId) id: string) {
    return this.recoveries.get(tenantId, id);
  }

  /** 200 with the cancelled recovery (again, if it was cancelled already); 409 once it has finished. */
  @Delete(':id')
  @ApiOkResponse({ type: RecoveryResponse, description: 'cancelled: no further page is sent; deliveries already pending go on' })
  cancel(@TenantId() tenantId: string, @Param('id', recoveryId) id: string) {
    return this.recoveries.cancel(tenantId, id);
  }
}
