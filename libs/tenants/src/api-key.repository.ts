import { Injectable } from '@nestjs/common';
import { PrismaService } from '#libs/database';

@Injectable()
export class ApiKeyRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The authentication lookup: from a key's hash to its tenant. Revoked keys do not match. */
  async findTenantIdByHash(hash: string): Promise<string | null> {
    const rows = await this.prisma.rows<{ tenant_id: string }>('SELECT tenant_id FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL', [hash]);
    return rows[0]?.tenant_id ?? null;
  }
}
