import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { EndpointService } from '#libs/endpoints';
import { TenantAuthGuard, TenantId } from '../common/auth.js';
import { IdParamPipe } from '../common/id-param.pipe.js';
import { cursorToId, PageQueryDto } from '../common/pagination.js';
import { toPage } from '#libs/common';
import { CreateEndpointDto } from './dto/create-endpoint.dto.js';
import { UpdateEndpointDto } from './dto/update-endpoint.dto.js';
import { RotateSecretDto, RotatedSecretResponse } from './dto/rotate-secret.dto.js';
import { CreatedEndpointResponse, EndpointPage, EndpointResponse } from './dto/endpoint.response.js';

const endpointId = new IdParamPipe('endpoint');

@ApiTags('endpoints')
@ApiBearerAuth()
@UseGuards(TenantAuthGuard)
@Controller('v1/endpoints')
export class EndpointsController {
  constructor(private readonly endpoints: EndpointService) {}

  @Post()
  @ApiCreatedResponse({ type: CreatedEndpointResponse })
  create(@TenantId() tenantId: string, @Body() dto: CreateEndpointDto) {
    return this.endpoints.create(tenantId, dto);
  }

  @Get()
  @ApiOkResponse({ type: EndpointPage })
  async list(@TenantId() tenantId: string, @Query() q: PageQueryDto) {
    const limit = q.limit ?? 50;
    const rows = await this.endpoints.list(tenantId, limit + 1, cursorToId(q.cursor));
    return toPage(rows, limit, (e) => e);
  }

  @Get(':id')
  @ApiOkResponse({ type: EndpointResponse })
  get(@TenantId() tenantId: string, @Param('id', endpointId) id: string) {
    return this.endpoints.get(tenantId, id);
  }

  @Patch(':id')
  @ApiOkResponse({ type: EndpointResponse })
  update(@TenantId() tenantId: string, @Param('id', endpointId) id: string, @Body() dto: UpdateEndpointDto) {
    return this.endpoints.update(tenantId, id, dto);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiOkResponse({ type: RotatedSecretResponse })
  rotateSecret(@TenantId() tenantId: string, @Param('id', endpointId) id: string, @Body() dto: RotateSecretDto) {
    return this.endpoints.rotateSecret(tenantId, id, dto.gracePeriodSeconds, dto.secret);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  async remove(@TenantId() tenantId: string, @Param('id', endpointId) id: string): Promise<void> {
    await this.endpoints.delete(tenantId, id);
  }
}
