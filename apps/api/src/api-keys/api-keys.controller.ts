import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { toPage } from '#libs/common';
import { TenantService } from '#libs/tenants';
import { RequireScope, TenantId, TenantRoutes } from '../common/auth.js';
import { IdParamPipe } from '../common/id-param.pipe.js';
import { cursorToId, PageQueryDto } from '../common/pagination.js';
import { ApiKeyPage, CreateApiKeyDto, CreatedApiKeyResponse } from './dto/create-api-key.dto.js';

@ApiTags('api-keys')
@TenantRoutes()
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly tenants: TenantService) {}

  @RequireScope('tenants:write')
  @Post()
  @ApiCreatedResponse({ type: CreatedApiKeyResponse })
  create(@TenantId() tenantId: string, @Body() dto: CreateApiKeyDto) {
    return this.tenants.createApiKey(tenantId, dto.name ?? null);
  }

  @RequireScope('tenants:read')
  @Get()
  @ApiOkResponse({ type: ApiKeyPage })
  async list(@TenantId() tenantId: string, @Query() q: PageQueryDto) {
    const limit = q.limit ?? 50;
    return toPage(await this.tenants.listApiKeys(tenantId, limit + 1, cursorToId(q.cursor)), limit, (k) => k);
  }

  @RequireScope('tenants:write')
  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  async revoke(@TenantId() tenantId: string, @Param('id', new IdParamPipe('api key')) id: string): Promise<void> {
    await this.tenants.revokeApiKey(tenantId, id);
  }
}
