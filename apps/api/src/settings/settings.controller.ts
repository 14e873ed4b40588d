import { Body, Controller, Get, Patch, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { TenantService } from '#libs/tenants';
import { TenantAuthGuard, TenantId } from '../common/auth.js';
import { SettingsResponse, UpdateSettingsDto } from './dto/settings.dto.js';

/** The tenant's own settings (alert emails). */
@ApiTags('settings')
@ApiBearerAuth()
@UseGuards(TenantAuthGuard)
@Controller('v1/settings')
export class SettingsController {
  constructor(private readonly tenants: TenantService) {}

  @Get()
  @ApiOkResponse({ type: SettingsResponse })
  get(@TenantId() tenantId: string) {
    return this.tenants.getSettings(tenantId);
  }

  @Patch()
  @ApiOkResponse({ type: SettingsResponse })
  update(@TenantId() tenantId: string, @Body() dto: UpdateSettingsDto) {
    return this.tenants.updateSettings(tenantId, dto);
  }
}
