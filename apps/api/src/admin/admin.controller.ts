import { Body, Controller, Get, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { NotFoundError, toPage } from '#libs/common';
import { AdminDeliveryLogRepository } from '#libs/delivery';
import { TenantService } from '#libs/tenants';
import { AdminAuthGuard } from '../common/auth.js';
import { IdParamPipe } from '../common/id-param.pipe.js';
import { cursorToId, PageQueryDto } from '../common/pagination.js';
import { AdminListDeliveriesQuery } from '../deliveries/dto/list-deliveries.query.js';
import { DeliveryPage, DeliveryWithAttemptsResponse } from '../deliveries/dto/delivery.response.js';
import { toDeliveryFilter } from '../deliveries/to-filter.js';
import { CreateTenantDto, CreatedTenantResponse, TenantPage, UpdatedTenantResponse, UpdateTenantDto } from './dto/create-tenant.dto.js';

@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AdminAuthGuard)
@Controller('v1/admin')
export class AdminController {
  constructor(
    private readonly tenants: TenantService,
    private readonly deliveries: AdminDeliveryLogRepository,
  ) {}

  @Post('tenants')
  @ApiCreatedResponse({ type: CreatedTenantResponse })
  createTenant(@Body() dto: CreateTenantDto) {
    return this.tenants.create(dto.name, dto.alertEmails);
  }

  // PATCH /v1/admin/tenants/:id (alert emails, name): kept apart from the other admin tenant routes.
  @Patch('tenants/:id')
  @ApiOkResponse({ type: UpdatedTenantResponse })
  updateTenant(@Param('id', new IdParamPipe('tenant')) id: string, @Body() dto: UpdateTenantDto) {
    return this.tenants.updateTenant(id, dto);
  }

  @Get('tenants')
  @ApiOkResponse({ type: TenantPage })
  async listTenants(@Query() q: PageQueryDto) {
    const limit = q.limit ?? 50;
    const rows = await this.tenants.listAll(limit + 1, cursorToId(q.cursor));
    return toPage(rows, limit, (t) => ({ id: t.id, name: t.name, createdAt: t.createdAt }));
  }

  @Get('deliveries')
  @ApiOkResponse({ type: DeliveryPage })
  listDeliveries(@Query() q: AdminListDeliveriesQuery) {
    return this.deliveries.listAcrossTenants({ ...toDeliveryFilter(q), tenantId: q.tenantId?.toLowerCase() });
  }

  @Get('deliveries/:id')
  @ApiOkResponse({ type: DeliveryWithAttemptsResponse })
  async getDelivery(@Param('id', new IdParamPipe('delivery')) id: string) {
    const d = await this.deliveries.getAcrossTenants(id);
    if (!d) throw new NotFoundError('delivery');
    return d;
  }
}
