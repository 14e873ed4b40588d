import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { NotFoundError, toPage } from '#libs/common';
import { AdminDeliveryLogRepository } from '#libs/delivery';
import { AdminOverviewService } from '#libs/endpoint-stats';
import { AppConfig } from '#libs/config';
import { PortalSessionService, ServiceKeyService, TenantService } from '#libs/tenants';
import { AdminAuthGuard, RequireScope } from '../common/auth.js';
import { IdParamPipe } from '../common/id-param.pipe.js';
import { cursorToId, PageQueryDto } from '../common/pagination.js';
import { AdminListDeliveriesQuery } from '../deliveries/dto/list-deliveries.query.js';
import { DeliveryPage, DeliveryWithAttemptsResponse } from '../deliveries/dto/delivery.response.js';
import { toDeliveryFilter } from '../deliveries/to-filter.js';
import {
  CreateTenantDto,
  CreatedTenantResponse,
  ExternalIdParamPipe,
  ListTenantsQuery,
  PutTenantByExternalIdDto,
  TenantPage,
  TenantResponse,
  UpdatedTenantResponse,
  UpdateTenantDto,
} from './dto/create-tenant.dto.js';
import { OverviewResponse } from './dto/overview.response.js';
import { CreatedPortalSessionResponse, CreatePortalSessionDto, PortalSessionPage } from './dto/portal-session.dto.js';
import { CreatedServiceKeyResponse, CreateServiceKeyDto, ServiceKeyPage } from './dto/service-key.dto.js';

const tenantId = new IdParamPipe('tenant');

/** Operator routes. The admin key opens all of them; a service key opens those that declare a
 * tenants:* scope it holds. */
@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AdminAuthGuard)
@Controller('v1/admin')
export class AdminController {
  constructor(
    private readonly tenants: TenantService,
    private readonly serviceKeys: ServiceKeyService,
    private readonly deliveries: AdminDeliveryLogRepository,
    private readonly portalSessions: PortalSessionService,
    private readonly config: AppConfig,
    private readonly overviews: AdminOverviewService,
  ) {}

  /** Platform-wide: attempts per minute and success rate over the last hour (from the endpoint-stats
   * rollup), the backlog, and failing and disabled endpoints. */
  @Get('overview')
  @RequireScope('tenants:read')
  @ApiOkResponse({ type: OverviewResponse })
  overview() {
    return this.overviews.overview();
  }

  @Post('tenants')
  @RequireScope('tenants:write')
  @ApiCreatedResponse({ type: CreatedTenantResponse })
  createTenant(@Body() dto: CreateTenantDto) {
    return this.tenants.create(dto.name, dto.alertEmails, dto.externalId ?? null);
  }

  /** Get-or-create by the caller's own id: 201 when this call created the tenant, 200 when it existed. */
  @Put('tenants/by-external-id/:externalId')
  @RequireScope('tenants:write')
  @ApiOkResponse({ type: TenantResponse, description: 'the tenant already existed (unchanged)' })
  @ApiCreatedResponse({ type: TenantResponse, description: 'this call created the tenant (without an API key: act for it with a service key and Hookrelay-Tenant)' })
  async putTenantByExternalId(@Param('externalId', new ExternalIdParamPipe()) externalId: string, @Body() dto: PutTenantByExternalIdDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const { tenant, created } = await this.tenants.getOrCreateByExternalId(externalId, dto.name);
    void reply.status(created ? 201 : 200);
    return tenant;
  }

  @Get('tenants')
  @RequireScope('tenants:read')
  @ApiOkResponse({ type: TenantPage })
  async listTenants(@Query() q: ListTenantsQuery) {
    const limit = q.limit ?? 50;
    return toPage(await this.tenants.listAll(limit + 1, cursorToId(q.cursor), q.externalId), limit, (t) => t);
  }

  @Get('tenants/:id')
  @RequireScope('tenants:read')
  @ApiOkResponse({ type: TenantResponse })
  getTenant(@Param('id', tenantId) id: string) {
    return this.tenants.getTenant(id);
  }

  @Patch('tenants/:id')
  @RequireScope('tenants:write')
  @ApiOkResponse({ type: UpdatedTenantResponse })
  updateTenant(@Param('id', tenantId) id: string, @Body() dto: UpdateTenantDto) {
    return this.tenants.updateTenant(id, dto);
  }

  /** Deletes the tenant with its endpoints, keys, events and delivery log; its pending deliveries stop. */
  @Delete('tenants/:id')
  @RequireScope('tenants:write')
  @HttpCode(204)
  @ApiNoContentResponse()
  async deleteTenant(@Param('id', tenantId) id: string): Promise<void> {
    await this.tenants.deleteTenant(id);
  }

  /** A portal link: the console for this one tenant, until it expires or is revoked. */
  @Post('tenants/:id/portal-sessions')
  @RequireScope('tenants:write')
  @ApiCreatedResponse({ type: CreatedPortalSessionResponse })
  async createPortalSession(@Param('id', tenantId) id: string, @Body() dto: CreatePortalSessionDto) {
    const { token, ...session } = await this.portalSessions.create(id, dto);
    return { ...session, url: `${this.config.publicUrl}/console/portal#token=${token}` };
  }

  @Get('tenants/:id/portal-sessions')
  @RequireScope('tenants:read')
  @ApiOkResponse({ type: PortalSessionPage })
  async listPortalSessions(@Param('id', tenantId) id: string, @Query() q: PageQueryDto) {
    const limit = q.limit ?? 50;
    await this.tenants.getTenant(id);
    return toPage(await this.portalSessions.list(id, limit + 1, cursorToId(q.cursor)), limit, (s) => s);
  }

  /** Refused at once on every API instance. */
  @Delete('portal-sessions/:id')
  @RequireScope('tenants:write')
  @HttpCode(204)
  @ApiNoContentResponse()
  async revokePortalSession(@Param('id', new IdParamPipe('portal session')) id: string): Promise<void> {
    await this.portalSessions.revoke(id);
  }

  @Post('service-keys')
  @ApiCreatedResponse({ type: CreatedServiceKeyResponse })
  createServiceKey(@Body() dto: CreateServiceKeyDto) {
    return this.serviceKeys.create(dto.name, dto.scopes);
  }

  @Get('service-keys')
  @ApiOkResponse({ type: ServiceKeyPage })
  async listServiceKeys(@Query() q: PageQueryDto) {
    const limit = q.limit ?? 50;
    return toPage(await this.serviceKeys.list(limit + 1, cursorToId(q.cursor)), limit, (k) => k);
  }

  @Delete('service-keys/:id')
  @HttpCode(204)
  @ApiNoContentResponse()
  async revokeServiceKey(@Param('id', new IdParamPipe('service key')) id: string): Promise<void> {
    await this.serviceKeys.revoke(id);
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
