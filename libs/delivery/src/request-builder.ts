import { Injectable } from '@nestjs/common';
import { Clock } from '#libs/common';
import { AppConfig } from '#libs/config';
import { EndpointSecretCipher, signWebhook, type Signed } from '#libs/endpoints';
import type { EndpointTarget, EventItem } from './delivery.repository.js';
import { renderBody } from './payload-format.js';
import { sensitiveOutgoing } from './redact-echo.js';
import type { OutgoingWebhook } from './webhook-sender.js';

export const USER_AGENT = 'Hookrelay-Webhooks/0.1 (+https://www.standardwebhooks.com)';
/** A batch's x-webhook-event lists its distinct types up to this length. */
const MAX_EVENT_HEADER_LENGTH = 1000;

/** One request to make: a single delivery, or a batch of them. */
export interface RequestUnit {
  endpoint: EndpointTarget;
  /** The event id, or the batch id for a batch: the same on every attempt. */
  webhookId: string;
  /** x-webhook-delivery: the delivery id, or the batch id. */
  deliveryRef: string;
  batched: boolean;
  payloadFormat: EndpointTarget['payloadFormat'];
  /** The events in body order (one unless batched). */
  items: readonly EventItem[];
}

interface OpenedTarget {
  secrets: Array<{ plain: string; expiresAt: number | null | undefined }>;
  headers: Record<string, string>;
}

export interface BuiltRequest {
  webhook: OutgoingWebhook;
  startedAt: Date;
  /** Strings a receiver's echo must not bring into the delivery log. */
  sensitive(): string[];
}

/** Turns a delivery (or batch) and its endpoint's options into the request: URL, headers, body,
 * timeout. The payload format writes the body and the endpoint's signature scheme signs it; every
 * scheme also gets webhook-id, webhook-timestamp, x-webhook-event, x-webhook-delivery and the user agent. */
@Injectable()
export class RequestBuilder {
  private readonly defaultTimeoutMs: number;
  /** Opened secrets and headers beside each target object: the worker's EndpointTargetCache hands
   * the same object to every attempt until the endpoint changes, so each is opened once. */
  private readonly opened = new WeakMap<EndpointTarget, OpenedTarget>();

  constructor(
    private readonly cipher: EndpointSecretCipher,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.defaultTimeoutMs = config.deliveryTimeoutMs;
  }

  build(unit: RequestUnit): BuiltRequest {
    const e = unit.endpoint;
    const startedAt = new Date(this.clock.now());
    const opened = this.open(e);
    // A cached target keeps a rotated-out secret until its grace ends, then signs without it.
    const secrets = opened.secrets.filter((s) => s.expiresAt == null || s.expiresAt > startedAt.getTime()).map((s) => s.plain);
    const customHeaders = opened.headers;
    const body = renderBody(unit.payloadFormat, unit.items, unit.batched);
    const timestamp = Math.floor(startedAt.getTime() / 1000);
    const signed: Signed = signWebhook(e.signature, { secrets, webhookId: unit.webhookId, timestamp, body });
    return {
      webhook: {
        url: e.url,
        body,
        timeoutMs: e.timeoutMs ?? this.defaultTimeoutMs,
        headers: {
          ...customHeaders,
          'content-type': 'application/json',
          'user-agent': USER_AGENT,
          'webhook-id': unit.webhookId,
          'webhook-timestamp': String(timestamp),
          'x-webhook-event': eventHeader(unit.items),
          'x-webhook-delivery': unit.deliveryRef,
          ...signed.headers,
        },
      },
      startedAt,
      sensitive: () => sensitiveOutgoing(signed, customHeaders),
    };
  }

  private open(e: EndpointTarget): OpenedTarget {
    let o = this.opened.get(e);
    if (!o) {
      o = {
        secrets: e.secrets.map((s) => ({ plain: this.cipher.open(e.endpointId, s.ciphertext, s.keyId), expiresAt: s.expiresAt })),
        headers: this.cipher.openHeaders(e.endpointId, e.headers),
      };
      this.opened.set(e, o);
    }
    return o;
  }
}

/** The event type; for a batch, its distinct types in order, comma-separated (cut short at 1,000 characters). */
function eventHeader(items: readonly EventItem[]): string {
  if (items.length === 1) return items[0]!.eventType;
  let out = '';
  for (const type of new Set(items.map((i) => i.eventType))) {
    const next = out === '' ? type : `${out},${type}`;
    if (next.length > MAX_EVENT_HEADER_LENGTH) break;
    out = next;
  }
  return out;
}
