import { Injectable } from '@nestjs/common';
import { NotFoundError, ValidationFailedError, uuidv7 } from '#libs/common';
import { AppConfig } from '#libs/config';
import type { Endpoint, EndpointStatus } from '#libs/database';
import { EndpointRepository } from './endpoint.repository.js';
import { isValidEventTypePattern } from './event-type-filter.js';
import { generateSigningSecret } from './signing-secret.js';
import { checkEndpointUrl } from './url-policy.js';

export interface EndpointView {
  id: string;
  url: string;
  description: string | null;
  eventTypes: string[];
  status: EndpointStatus;
  createdAt: Date;
  updatedAt: Date;
}

export interface CreateEndpointInput {
  url: string;
  eventTypes: string[];
  description?: string;
}

export interface UpdateEndpointInput {
  url?: string;
  eventTypes?: string[];
  description?: string | null;
  status?: EndpointStatus;
}

export function toEndpointView(e: Endpoint): EndpointView {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    eventTypes: e.eventTypes,
    status: e.status,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  };
}

@Injectable()
export class EndpointService {
  constructor(
    private readonly endpoints: EndpointRepository,
    private readonly config: AppConfig,
  ) {}

  /** Registers an endpoint; the signing secret is returned here and never again. */
  async create(tenantId: string, input: CreateEndpointInput): Promise<EndpointView & { secret: string }> {
    const url = checkEndpointUrl(input.url, { allowInsecure: this.config.allowInsecureUrls });
    const eventTypes = normaliseEventTypes(input.eventTypes);
    const secret = generateSigningSecret();
    const created = await this.endpoints.create(tenantId, {
      id: uuidv7(),
      url,
      description: input.description ?? null,
      eventTypes,
      secret,
    });
    return { ...toEndpointView(created), secret };
  }

  async get(tenantId: string, id: string): Promise<EndpointView> {
    const e = await this.endpoints.findById(tenantId, id);
    if (!e) throw new NotFoundError('endpoint');
    return toEndpointView(e);
  }

  async list(tenantId: string, limit: number, beforeId?: string): Promise<EndpointView[]> {
    return (await this.endpoints.list(tenantId, limit, beforeId)).map(toEndpointView);
  }

  async update(tenantId: string, id: string, input: UpdateEndpointInput): Promise<EndpointView> {
    const changes = {
      ...(input.url !== undefined ? { url: checkEndpointUrl(input.url, { allowInsecure: this.config.allowInsecureUrls }) } : {}),
      ...(input.eventTypes !== undefined ? { eventTypes: normaliseEventTypes(input.eventTypes) } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.status !== undefined ? { status: input.status } : {}),
    };
    const updated = await this.endpoints.update(tenantId, id, changes);
    if (!updated) throw new NotFoundError('endpoint');
    return toEndpointView(updated);
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
