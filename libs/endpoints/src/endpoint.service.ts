import { Injectable } from '@nestjs/common';
import { NotFoundError, ValidationFailedError, uuidv7 } from '#libs/common';
import { AppConfig } from '#libs/config';
import type { Endpoint, EndpointStatus } from '#libs/database';
import { EndpointSecretCipher } from './endpoint-secret-cipher.js';
import { EndpointRepository } from './endpoint.repository.js';
import { checkCustomHeaders } from './header-policy.js';
import { isValidEventTypePattern } from './event-type-filter.js';
import { generateSigningSecret } from './signing-secret.js';
import { checkEndpointUrl } from './url-policy.js';

export interface EndpointView {
  id: string;
  url: string;
  description: string | null;
  eventTypes: string[];
  status: EndpointStatus;
  headers: Record<string, string>;
  rateLimitPerSecond: number | null;
  /** Set when the platform disabled it (deliveries kept failing); cleared on re-enable. */
  disabledReason: string | null;
  disabledAt: Date | null;
  health: EndpointHealthView;
  createdAt: Date;
  updatedAt: Date;
}

/** Kept from recorded attempts, in batches (libs/endpoint-health): up to a second behind. */
export interface EndpointHealthView {
  lastSuccessAt: Date | null;
  /** The last failed attempt, retried or final. */
  lastFailureAt: Date | null;
  /** When the first failed delivery of the current streak failed; null when healthy. */
  failingSince: Date | null;
  /** Deliveries (not attempts) that ended failed since the last success. */
  consecutiveFailures: number;
}

/** Rotation grace period when the caller names none. */
export const DEFAULT_ROTATION_GRACE_SECONDS = 24 * 3600;
export const MAX_ROTATION_GRACE_SECONDS = 30 * 24 * 3600;

export interface RotatedSecret {
  secret: string;
  /** Until when the previous secret(s) keep signing alongside the new one. */
  previousSecretsExpireAt: Date;
}

export interface CreateEndpointInput {
  url: string;
  eventTypes: string[];
  description?: string;
  headers?: Record<string, string>;
  rateLimitPerSecond?: number | null;
}

export interface UpdateEndpointInput {
  url?: string;
  eventTypes?: string[];
  description?: string | null;
  status?: EndpointStatus;
  headers?: Record<string, string>;
  rateLimitPerSecond?: number | null;
}

function toEndpointView(e: Endpoint, headers: Record<string, string>): EndpointView {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    eventTypes: e.eventTypes,
    status: e.status,
    headers,
    rateLimitPerSecond: e.rateLimitPerSecond,
    disabledReason: e.disabledReason,
    disabledAt: e.disabledAt,
    health: { lastSuccessAt: e.lastSuccessAt, lastFailureAt: e.lastFailureAt, failingSince: e.failingSince, consecutiveFailures: e.consecutiveFailures },
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  };
}

@Injectable()
export class EndpointService {
  constructor(
    private readonly endpoints: EndpointRepository,
    private readonly config: AppConfig,
    private readonly cipher: EndpointSecretCipher,
  ) {}

  /** Registers an endpoint; the signing secret is returned here and never again. */
  async create(tenantId: string, input: CreateEndpointInput): Promise<EndpointView & { secret: string }> {
    const url = checkEndpointUrl(input.url, { allowInsecure: this.config.allowInsecureUrls, targets: this.config.targetPolicy });
    const eventTypes = normaliseEventTypes(input.eventTypes);
    const headers = input.headers === undefined ? {} : checkCustomHeaders(input.headers);
    const secret = generateSigningSecret();
    const id = uuidv7();
    const created = await this.endpoints.create(
      tenantId,
      { id, url, description: input.description ?? null, eventTypes, headers: this.cipher.sealHeaders(id, headers), rateLimitPerSecond: input.rateLimitPerSecond ?? null },
      this.cipher.seal(id, secret),
    );
    return { ...this.view(created), secret };
  }

  async get(tenantId: string, id: string): Promise<EndpointView> {
    const e = await this.endpoints.findById(tenantId, id);
    if (!e) throw new NotFoundError('endpoint');
    return this.view(e);
  }

  async list(tenantId: string, limit: number, beforeId?: string): Promise<EndpointView[]> {
    return (await this.endpoints.list(tenantId, limit, beforeId)).map((e) => this.view(e));
  }

  async update(tenantId: string, id: string, input: UpdateEndpointInput): Promise<EndpointView> {
    const changes = {
      ...(input.url !== undefined ? { url: checkEndpointUrl(input.url, { allowInsecure: this.config.allowInsecureUrls, targets: this.config.targetPolicy }) } : {}),
      ...(input.eventTypes !== undefined ? { eventTypes: normaliseEventTypes(input.eventTypes) } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.status !== undefined ? { status: input.status } : {}),
      ...(input.headers !== undefined ? { headers: this.cipher.sealHeaders(id, checkCustomHeaders(input.headers)) } : {}),
      ...(input.rateLimitPerSecond !== undefined ? { rateLimitPerSecond: input.rateLimitPerSecond } : {}),
    };
    const updated = await this.endpoints.update(tenantId, id, changes);
    if (!updated) throw new NotFoundError('endpoint');
    return this.view(updated);
  }

  /** A new signing secret, returned once; the old one keeps signing for `graceSeconds` so
   * receivers can switch over without losing a webhook. */
  async rotateSecret(tenantId: string, id: string, graceSeconds = DEFAULT_ROTATION_GRACE_SECONDS): Promise<RotatedSecret> {
    if (!Number.isInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > MAX_ROTATION_GRACE_SECONDS) {
      throw new ValidationFailedError(`gracePeriodSeconds must be a whole number from 0 to ${MAX_ROTATION_GRACE_SECONDS}`);
    }
    const secret = generateSigningSecret();
    const previousSecretsExpireAt = new Date(Date.now() + graceSeconds * 1000);
    if (!(await this.endpoints.rotateSecret(tenantId, id, this.cipher.seal(id, secret), previousSecretsExpireAt))) throw new NotFoundError('endpoint');
    return { secret, previousSecretsExpireAt };
  }

  private view(e: Endpoint): EndpointView {
    return toEndpointView(e, this.cipher.openHeaders(e.id, e.headers));
  }

  async delete(tenantId: string, id: string): Promise<void> {
    if (!(await this.endpoints.softDelete(tenantId, id))) throw new NotFoundError('endpoint');
  }
}

function normaliseEventTypes(types: string[]): string[] {
  if (types.length === 0) throw new ValidationFailedError('eventTypes must contain at least one event type');
  const bad = types.filter((t) => !isValidEventTypePattern(t));
  if (bad.length > 0) {
    throw new ValidationFailedError(
      `eventTypes entries must be an event name (order.completed), a prefix wildcard (order.*) or *; invalid: ${bad.slice(0, 5).map((b) => JSON.stringify(b)).join(', ')}`,
    );
  }
  return [...new Set(types)];
}
