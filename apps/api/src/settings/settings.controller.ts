import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { TenantService } from '#libs/tenants';
import { RequireScope, TenantId, TenantRoutes } from '../common/auth.js';
import { SettingsResponse, UpdateSettingsDto } from './dto/settings.dto.js';

/** The tenant's own settings (alert emails). */
@ApiTags('settings')
@TenantRoutes()
@Controller('v1/settings')
export class SettingsController {
  constructor(private readonly tenants: TenantService) {}

  @RequireScope('tenants:read')
  @Get()
  @ApiOkResponse({ type: SettingsResponse })
  get(@TenantId() tenantId: string) {
    return this.tenants.getSettings(tenantId);
  }

  @RequireScope('tenants:write')
  @Patch()
  @ApiOkResponse({ type: SettingsResponse })
  update(@TenantId() tenantId: string, @Body() dto: UpdateSettingsDto) {
    return this.tenants.updateSettings(tenantId, dto);
  }
}
