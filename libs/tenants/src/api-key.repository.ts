import { Injectable } from '@nestjs/common';
import { PrismaService } from '#libs/database';

@Injectable()
export class ApiKeyRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The authentication lookup: from a key's hash to its tenant. Revoked keys do not match. */
  async findTenantIdByHash(hash: string): Promise<string | null> {
    const row = await this.prisma.apiKey.findUnique({ where: { keyHash: hash }, select: { tenantId: true, revokedAt: true } });
    return row && !row.revokedAt ? row.tenantId : null;
  }
}
