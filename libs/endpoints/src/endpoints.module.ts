import { Module } from '@nestjs/common';
import { EndpointSecretCipher } from './endpoint-secret-cipher.js';
import { EndpointRepository } from './endpoint.repository.js';
import { EndpointService } from './endpoint.service.js';
import { SecretResealer } from './secret-resealer.js';

@Module({ providers: [EndpointRepository, EndpointService, EndpointSecretCipher, SecretResealer], exports: [EndpointService, EndpointSecretCipher] })
export class EndpointsModule {}
