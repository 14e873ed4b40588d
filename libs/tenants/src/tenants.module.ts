import { Module } from '@nestjs/common';
import { ApiKeyRepository } from './api-key.repository.js';
import { PortalSessionRepository } from './portal-session.repository.js';
import { PortalSessionService } from './portal-session.service.js';
import { ServiceKeyRepository } from './service-key.repository.js';
import { ServiceKeyService } from './service-key.service.js';
import { TenantRepository } from './tenant.repository.js';
import { TenantService } from './tenant.service.js';

@Module({ providers: [TenantRepository, ApiKeyRepository, TenantService, ServiceKeyRepository, ServiceKeyService, PortalSessionRepository, PortalSessionService], exports: [TenantService, ServiceKeyService, PortalSessionService] })
export class TenantsModule {}
