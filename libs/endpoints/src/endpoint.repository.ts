import { Injectable } from '@nestjs/common';
import { uuidv7 } from '#libs/common';
import { PrismaService, type Endpoint, type EndpointStatus, type PayloadFormat, type Prisma } from '#libs/database';
import type { SignatureOptions } from './signing/index.js';

/** How an endpoint wants its webhooks: signature, payload, batching, timeout. */
export interface DeliverySettings {
  signature: SignatureOptions;
  payloadFormat: PayloadFormat;
  batchMaxEvents: number | null;
  batchMaxWaitMs: number | null;
  timeoutMs: number | null;
}

export interface NewEndpoint extends DeliverySettings {
  id: string;
  url: string;
  description: string | null;
  eventTypes: string[];
  headers: Record<string, string>;
  rateLimitPerSecond: number | null;
}

export interface SealedSecret {
  ciphertext: string;
  keyId: string;
}

export interface EndpointChanges extends Partial<DeliverySettings> {
  url?: string;
  description?: string | null;
  eventTypes?: string[];
  status?: EndpointStatus;
  headers?: Record<string, string>;
  rateLimitPerSecond?: number | null;
}

/** Endpoints of one tenant. Every method takes the tenant; deleted endpoints are invisible. */
@Injectable()
export class EndpointRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The endpoint and its first signing secret, together. */
  async create(tenantId: string, e: NewEndpoint, secret: SealedSecret): Promise<Endpoint> {
    const [created] = await this.prisma.$transaction([
      this.prisma.endpoint.create({ data: { ...e, headers: e.headers as Prisma.InputJsonObject, signature: e.signature as unknown as Prisma.InputJsonObject, tenantId } }),
      this.prisma.endpointSecret.create({ data: { id: uuidv7(), tenantId, endpointId: e.id, ...secret } }),
    ]);
    return created;
  }

  findById(tenantId: string, id: string): Promise<Endpoint | null> {
    return this.prisma.endpoint.findFirst({ where: { id, tenantId, deletedAt: null } });
  }

  list(tenantId: string, limit: number, beforeId?: string): Promise<Endpoint[]> {
    return this.prisma.endpoint.findMany({
      where: { tenantId, deletedAt: null, ...(beforeId ? { id: { lt: beforeId } } : {}) },
      orderBy: { id: 'desc' },
      take: limit,
    });
  }

  async update(tenantId: string, id: string, changes: EndpointChanges): Promise<Endpoint | null> {
    const { headers, signature, ...rest } = changes;
    const data = {
      ...rest,
      ...(headers !== undefined ? { headers: headers as Prisma.InputJsonObject } : {}),
      ...(signature !== undefined ? { signature: signature as unknown as Prisma.InputJsonObject } : {}),
      ...statusChange(changes.status),
    };
    const { count } = await this.prisma.endpoint.updateMany({ where: { id, tenantId, deletedAt: null }, data });
    return count === 0 ? null : this.findById(tenantId, id);
  }

  /** Soft delete: the delivery log keeps referring to the endpoint. */
  async softDelete(tenantId: string, id: string): Promise<boolean> {
    const { count } = await this.prisma.endpoint.updateMany({
      where: { id, tenantId, deletedAt: null },
      data: { deletedAt: new Date(), status: 'disabled' },
    });
    return count > 0;
  }

  /** The newest live signing secret, sealed (what signs for a single-signature scheme). */
  async currentSecret(tenantId: string, endpointId: string): Promise<SealedSecret | null> {
    return this.prisma.endpointSecret.findFirst({
      where: { tenantId, endpointId, OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] },
      orderBy: { createdAt: 'desc' },
      select: { ciphertext: true, keyId: true },
    });
  }

  /** Adds a new current secret; every secret still live keeps signing until `graceUntil` at most.
   * Returns false when the endpoint does not exist for this tenant. */
  async rotateSecret(tenantId: string, endpointId: string, secret: SealedSecret, graceUntil: Date): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      // Writing the endpoint row locks it (two rotations at once serialise) and gives it a new version,
      // which tells every worker's endpoint cache to read its secrets again.
      const owned = await tx.$queryRaw<Array<{ id: string }>>`
        UPDATE endpoints SET updated_at = now() WHERE id = ${endpointId}::uuid AND tenant_id = ${tenantId}::uuid AND deleted_at IS NULL RETURNING id`;
      if (owned.length === 0) return false;
      await tx.endpointSecret.updateMany({
        where: { endpointId, tenantId, OR: [{ expiresAt: null }, { expiresAt: { gt: graceUntil } }] },
        data: { expiresAt: graceUntil },
      });
      await tx.endpointSecret.deleteMany({ where: { endpointId, tenantId, expiresAt: { lte: new Date() } } });
      await tx.endpointSecret.create({ data: { id: uuidv7(), tenantId, endpointId, ...secret } });
      return true;
    });
  }
}

/** Re-enabling starts the endpoint afresh: the failure streak, its alert state and the platform's
 * disable reason are cleared (success and failure times stay). disabledReason/disabledAt describe
 * an auto-disable only; disabling by hand leaves them empty. */
function statusChange(status: EndpointStatus | undefined): Prisma.EndpointUpdateManyMutationInput {
  if (status !== 'active') return {};
  return { disabledAt: null, disabledReason: null, consecutiveFailures: 0, failingSince: null, failingAlertAt: null, failedPendingCount: 0, failedPendingIds: [] };
}
