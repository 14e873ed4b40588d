import { Injectable } from '@nestjs/common';
import { NotFoundError, ValidationFailedError, uuidv7 } from '#libs/common';
import { AppConfig } from '#libs/config';
import type { Endpoint, EndpointStatus } from '#libs/database';
import { parseBatchOptions, parsePayloadFormat, parseTimeoutMs, type BatchOptions, type PayloadFormatName } from './delivery-options.js';
import { EndpointSecretCipher } from './endpoint-secret-cipher.js';
import { EndpointRepository, type DeliverySettings } from './endpoint.repository.js';
import { checkCustomHeaders } from './header-policy.js';
import { isValidEventTypePattern } from './event-type-filter.js';
import { DEFAULT_SIGNATURE, parseSignatureOptions, schemeOf, signatureHeaderNames, type SignatureOptions } from './signing/index.js';
import { checkEndpointUrl } from './url-policy.js';

export interface EndpointView {
  id: string;
  url: string;
  description: string | null;
  eventTypes: string[];
  status: EndpointStatus;
  headers: Record<string, string>;
  rateLimitPerSecond: number | null;
  signature: SignatureOptions;
  payload: PayloadFormatName;
  /** null: one delivery per request. */
  batch: BatchOptions | null;
  /** null: DELIVERY_TIMEOUT_MS. */
  timeoutMs: number | null;
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
  /** Until when the previous secret(s) are kept: they sign beside the new one where the scheme
   * carries several signatures (standard-webhooks, stripe). */
  previousSecretsExpireAt: Date;
}

/** The delivery options as a tenant sends them; checked here, where a bad one is a 400 that says why. */
export interface DeliveryOptionsInput {
  signature?: unknown;
  payload?: unknown;
  /** null: no batching. */
  batch?: unknown;
  /** null: DELIVERY_TIMEOUT_MS. */
  timeoutMs?: unknown;
}

export interface CreateEndpointInput extends DeliveryOptionsInput {
  url: string;
  eventTypes: string[];
  description?: string;
  headers?: Record<string, string>;
  rateLimitPerSecond?: number | null;
  /** The tenant's own secret (a LINE channel secret, say); one is generated to suit the scheme otherwise. */
  secret?: string;
}

export interface UpdateEndpointInput extends DeliveryOptionsInput {
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
    signature: e.signature as unknown as SignatureOptions,
    payload: e.payloadFormat,
    batch: e.batchMaxEvents === null ? null : { maxEvents: e.batchMaxEvents, maxWaitMs: e.batchMaxWaitMs ?? 0 },
    timeoutMs: e.timeoutMs,
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
    const settings = { ...DEFAULT_SETTINGS, ...this.deliverySettings(input) };
    const headers = input.headers === undefined ? {} : checkCustomHeaders(input.headers, signatureHeaderNames(settings.signature));
    const scheme = schemeOf(settings.signature);
    if (input.secret !== undefined) scheme.checkSecret(input.secret);
    const secret = input.secret ?? scheme.generateSecret();
    const id = uuidv7();
    const created = await this.endpoints.create(
      tenantId,
      { id, url, description: input.description ?? null, eventTypes, headers: this.cipher.sealHeaders(id, headers), rateLimitPerSecond: input.rateLimitPerSecond ?? null, ...settings },
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
    const settings = this.deliverySettings(input);
    let headers: Record<string, string> | undefined;
    if (settings.signature !== undefined || input.headers !== undefined) {
      // Custom headers and the signature's headers must not collide, whichever of the two changes.
      const current = await this.endpoints.findById(tenantId, id);
      if (!current) throw new NotFoundError('endpoint');
      const signature = settings.signature ?? (current.signature as unknown as SignatureOptions);
      const reserved = signatureHeaderNames(signature);
      if (input.headers !== undefined) headers = checkCustomHeaders(input.headers, reserved);
      else checkCustomHeaders(this.cipher.openHeaders(id, current.headers), reserved);
      if (settings.signature !== undefined) await this.checkSecretSuits(tenantId, id, signature);
    }
    const changes = {
      ...(input.url !== undefined ? { url: checkEndpointUrl(input.url, { allowInsecure: this.config.allowInsecureUrls, targets: this.config.targetPolicy }) } : {}),
      ...(input.eventTypes !== undefined ? { eventTypes: normaliseEventTypes(input.eventTypes) } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.status !== undefined ? { status: input.status } : {}),
      ...(headers !== undefined ? { headers: this.cipher.sealHeaders(id, headers) } : {}),
      ...(input.rateLimitPerSecond !== undefined ? { rateLimitPerSecond: input.rateLimitPerSecond } : {}),
      ...settings,
    };
    const updated = await this.endpoints.update(tenantId, id, changes);
    if (!updated) throw new NotFoundError('endpoint');
    return this.view(updated);
  }

  /** A new signing secret (the tenant's own, or one generated to suit the scheme), returned once. The
   * previous ones are kept for `graceSeconds`: schemes that carry several signatures (standard-webhooks,
   * stripe) sign with them too, so receivers can switch over without losing a webhook; the others sign
   * with the new secret only. */
  async rotateSecret(tenantId: string, id: string, graceSeconds = DEFAULT_ROTATION_GRACE_SECONDS, supplied?: string): Promise<RotatedSecret> {
    if (!Number.isInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > MAX_ROTATION_GRACE_SECONDS) {
      throw new ValidationFailedError(`gracePeriodSeconds must be a whole number from 0 to ${MAX_ROTATION_GRACE_SECONDS}`);
    }
    const endpoint = await this.endpoints.findById(tenantId, id);
    if (!endpoint) throw new NotFoundError('endpoint');
    const scheme = schemeOf(endpoint.signature as unknown as SignatureOptions);
    if (supplied !== undefined) scheme.checkSecret(supplied);
    const secret = supplied ?? scheme.generateSecret();
    const previousSecretsExpireAt = new Date(Date.now() + graceSeconds * 1000);
    if (!(await this.endpoints.rotateSecret(tenantId, id, this.cipher.seal(id, secret), previousSecretsExpireAt))) throw new NotFoundError('endpoint');
    return { secret, previousSecretsExpireAt };
  }

  /** The delivery options present in `input`, checked (absent ones are left out). */
  private deliverySettings(input: DeliveryOptionsInput): Partial<DeliverySettings> {
    const batch = input.batch === undefined ? undefined : input.batch === null ? null : parseBatchOptions(input.batch);
    return {
      ...(input.signature !== undefined ? { signature: parseSignatureOptions(input.signature) } : {}),
      ...(input.payload !== undefined ? { payloadFormat: parsePayloadFormat(input.payload) } : {}),
      ...(batch !== undefined ? { batchMaxEvents: batch?.maxEvents ?? null, batchMaxWaitMs: batch?.maxWaitMs ?? null } : {}),
      ...(input.timeoutMs !== undefined ? { timeoutMs: input.timeoutMs === null ? null : parseTimeoutMs(input.timeoutMs, this.config.deliveryTimeoutMs) } : {}),
    };
  }

  /** A new scheme keeps the endpoint's secret, so that secret has to suit it (a standard-webhooks
   * secret is whsec_ + base64); otherwise the tenant rotates to one that suits both first. */
  private async checkSecretSuits(tenantId: string, id: string, signature: SignatureOptions): Promise<void> {
    const sealed = await this.endpoints.currentSecret(tenantId, id);
    if (!sealed) return;
    try {
      schemeOf(signature).checkSecret(this.cipher.open(id, sealed.ciphertext, sealed.keyId));
    } catch (err) {
      if (!(err instanceof ValidationFailedError)) throw err;
      throw new ValidationFailedError(
        `signature: the endpoint's current secret does not suit the ${signature.scheme} scheme (${err.message}); rotate to a secret that suits it first (POST /v1/endpoints/${id}/rotate-secret with "secret")`,
        { field: 'signature' },
      );
    }
  }

  private view(e: Endpoint): EndpointView {
    return toEndpointView(e, this.cipher.openHeaders(e.id, e.headers));
  }

  async delete(tenantId: string, id: string): Promise<void> {
    if (!(await this.endpoints.softDelete(tenantId, id))) throw new NotFoundError('endpoint');
  }
}

const DEFAULT_SETTINGS: DeliverySettings = { signature: DEFAULT_SIGNATURE, payloadFormat: 'envelope', batchMaxEvents: null, batchMaxWaitMs: null, timeoutMs: null };

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
