import { Module } from '@nestjs/common';
import { ApiKeyRepository } from './api-key.repository.js';
import { TenantRepository } from './tenant.repository.js';
import { TenantService } from './tenant.service.js';

@Module({ providers: [TenantRepository, ApiKeyRepository, TenantService], exports: [TenantService] })
export class TenantsModule {}
