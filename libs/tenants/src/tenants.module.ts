import { Module } from '@nestjs/common';
import { ApiKeyRepository } from './api-key.repository.js';
import { ServiceKeyRepository } from './service-key.repository.js';
import { ServiceKeyService } from './service-key.service.js';
import { TenantRepository } from './tenant.repository.js';
import { TenantService } from './tenant.service.js';

@Module({ providers: [TenantRepository, ApiKeyRepository, TenantService, ServiceKeyRepository, ServiceKeyService], exports: [TenantService, ServiceKeyService] })
export class TenantsModule {}
