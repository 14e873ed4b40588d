import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { LOGGER, type Logger } from '#libs/common';
import { PrismaService, type Prisma } from '#libs/database';
import { SecretBox } from '#libs/security';
import { EndpointSecretCipher } from './endpoint-secret-cipher.js';

/** Admin-scope maintenance at API start: re-seals every signing secret not sealed with the active
 * SECRETS_KEY (rows the migration moved over in plaintext, or sealed with a retired key), so an old
 * key can be dropped from SECRETS_KEY once this has run. */
@Injectable()
export class SecretResealer implements OnApplicationBootstrap {
  constructor(
    private readonly prisma: PrismaService,
    private readonly cipher: EndpointSecretCipher,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const n = (await this.resealAll()) + (await this.resealHeaders());
    if (n > 0) this.logger.info({ resealed: n, keyId: this.cipher.activeKeyId }, 'secrets re-sealed with the active key');
  }

  /** Custom header values sealed with another key; returns how many endpoints were re-sealed. */
  async resealHeaders(): Promise<number> {
    let total = 0;
    let after: string | undefined;
    for (;;) {
      const rows = await this.prisma.endpoint.findMany({
        where: { NOT: { headers: { equals: {} } }, ...(after ? { id: { gt: after } } : {}) },
        select: { id: true, headers: true },
        orderBy: { id: 'asc' },
        take: 500,
      });
      if (rows.length === 0) return total;
      for (const r of rows) {
        const sealed = Object.values((r.headers ?? {}) as Record<string, string>);
        if (sealed.every((v) => SecretBox.keyIdOf(v) === this.cipher.activeKeyId)) continue;
        try {
          const plain = this.cipher.openHeaders(r.id, r.headers);
          await this.prisma.endpoint.updateMany({ where: { id: r.id }, data: { headers: this.cipher.sealHeaders(r.id, plain) as Prisma.InputJsonObject } });
          total++;
        } catch (err) {
          this.logger.error({ endpointId: r.id, reason: (err as Error).message }, 'custom headers cannot be opened with SECRETS_KEY');
        }
      }
      after = rows[rows.length - 1]!.id;
    }
  }

  async resealAll(): Promise<number> {
    let total = 0;
    let after: string | undefined;
    for (;;) {
      const rows = await this.prisma.endpointSecret.findMany({
        where: { keyId: { not: this.cipher.activeKeyId }, ...(after ? { id: { gt: after } } : {}) },
        orderBy: { id: 'asc' },
        take: 500,
      });
      if (rows.length === 0) return total;
      for (const r of rows) {
        let plain: string;
        try {
          plain = this.cipher.open(r.endpointId, r.ciphertext, r.keyId);
        } catch (err) {
          this.logger.error({ endpointId: r.endpointId, keyId: r.keyId, reason: (err as Error).message }, 'a signing secret cannot be opened with SECRETS_KEY');
          continue;
        }
        await this.prisma.endpointSecret.updateMany({ where: { id: r.id, keyId: r.keyId }, data: this.cipher.seal(r.endpointId, plain) });
        total++;
      }
      after = rows[rows.length - 1]!.id;
    }
  }
}
