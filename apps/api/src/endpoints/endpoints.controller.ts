import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { EndpointStatsService } from '#libs/endpoint-stats';
import { EndpointService } from '#libs/endpoints';
import { RecoveryService } from '#libs/redelivery';
import { RequireScope, TenantId, TenantRoutes } from '../common/auth.js';
import { IdParamPipe } from '../common/id-param.pipe.js';
import { cursorToId, PageQueryDto } from '../common/pagination.js';
import { toPage } from '#libs/common';
import { CreateEndpointDto } from './dto/create-endpoint.dto.js';
import { UpdateEndpointDto } from './dto/update-endpoint.dto.js';
import { RotateSecretDto, RotatedSecretResponse } from './dto/rotate-secret.dto.js';
import { CreatedEndpointResponse, EndpointPage, EndpointResponse } from './dto/endpoint.response.js';
import { RecoverEndpointDto } from './dto/recover-endpoint.dto.js';
import { RecoveryPage, RecoveryResponse } from '../recoveries/dto/recovery.response.js';
import { EndpointStatsQuery, EndpointStatsResponse } from './dto/endpoint-stats.dto.js';

const endpointId = new IdParamPipe('endpoint');

@ApiTags('endpoints')
@TenantRoutes()
@Controller('v1/endpoints')
export class EndpointsController {
  constructor(
    private readonly endpoints: EndpointService,
    private readonly recoveries: RecoveryService,
    private readonly stats: EndpointStatsService,
  ) {}

  @RequireScope('endpoints:write')
  @Post()
  @ApiCreatedResponse({ type: CreatedEndpointResponse })
  create(@TenantId() tenantId: string, @Body() dto: CreateEndpointDto) {
    return this.endpoints.create(tenantId, dto);
  }

  @RequireScope('endpoints:read')
  @Get()
  @ApiOkResponse({ type: EndpointPage })
  async list(@TenantId() tenantId: string, @Query() q: PageQueryDto) {
    const limit = q.limit ?? 50;
    const rows = await this.endpoints.list(tenantId, limit + 1, cursorToId(q.cursor));
    return toPage(rows, limit, (e) => e);
  }

  @RequireScope('endpoints:read')
  @Get(':id')
  @ApiOkResponse({ type: EndpointResponse })
  get(@TenantId() tenantId: string, @Param('id', endpointId) id: string) {
    return this.endpoints.get(tenantId, id);
  }

  @RequireScope('endpoints:read')
  @Get(':id/stats')
  @ApiOkResponse({ type: EndpointStatsResponse })
  getStats(@TenantId() tenantId: string, @Param('id', endpointId) id: string, @Query() q: EndpointStatsQuery) {
    return this.stats.stats(tenantId, id, q.window ?? '24h');
  }

  @RequireScope('endpoints:write')
  @Patch(':id')
  @ApiOkResponse({ type: EndpointResponse })
  update(@TenantId() tenantId: string, @Param('id', endpointId) id: string, @Body() dto: UpdateEndpointDto) {
    return this.endpoints.update(tenantId, id, dto);
  }

  @RequireScope('endpoints:write')
  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiOkResponse({ type: RotatedSecretResponse })
  rotateSecret(@TenantId() tenantId: string, @Param('id', endpointId) id: string, @Body() dto: RotateSecretDto) {
    return this.endpoints.rotateSecret(tenantId, id, dto.gracePeriodSeconds, dto.secret);
  }

  @RequireScope('endpoints:write')
  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  async remove(@TenantId() tenantId: string, @Param('id', endpointId) id: string): Promise<void> {
    await this.endpoints.delete(tenantId, id);
  }

  @RequireScope('deliveries:write')
  @Post(':id/recover')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: RecoveryResponse, description: 'a recovery job sends the matching events not yet delivered again, oldest first; follow it at GET /v1/recoveries/{id}' })
  @ApiConflictResponse({ description: 'the endpoint is disabled, or a recovery of it is already running' })
  recover(@TenantId() tenantId: string, @Param('id', endpointId) id: string, @Body() dto: RecoverEndpointDto) {
    return this.recoveries.start(tenantId, id, new Date(dto.since), dto.until === undefined ? undefined : new Date(dto.until));
  }

  @RequireScope('deliveries:read')
  @Get(':id/recoveries')
  @ApiOkResponse({ type: RecoveryPage })
  async listRecoveries(@TenantId() tenantId: string, @Param('id', endpointId) id: string, @Query() q: PageQueryDto) {
    const limit = q.limit ?? 50;
    const rows = await this.recoveries.list(tenantId, id, limit + 1, cursorToId(q.cursor));
    return toPage(rows, limit, (r) => r);
  }
}
