import { Inject, Injectable, Optional, type OnApplicationShutdown } from '@nestjs/common';
import { Agent, request } from 'undici';
import { AppConfig } from '#libs/config';
import { Clock } from '#libs/common';
import type { HostResolver } from '#libs/security';
import { guardedConnector, HOST_RESOLVER } from './guarded-connector.js';
import type { AttemptResult } from './attempt-result.js';
import { AttemptTimeoutError, classifyNetworkError } from './network-error.js';
import { parseRetryAfter } from './retry-policy.js';

/** How much of a response body is read and kept. */
export const RESPONSE_BODY_CAP = 4096;

export interface OutgoingWebhook {
  url: string;
  body: string;
  headers: Record<string, string>;
  /** The attempt's whole budget: the endpoint's timeoutMs, at most DELIVERY_TIMEOUT_MS. */
  timeoutMs: number;
}

/** Sends one webhook over a keep-alive pool per origin. Never throws: every outcome is an
 * AttemptResult. The attempt's whole budget (connect, headers, body) is one timer; the pool's own
 * timeouts are DELIVERY_TIMEOUT_MS, the most any endpoint may have. */
@Injectable()
export class WebhookSender implements OnApplicationShutdown {
  private readonly agent: Agent;
  private readonly timeoutMs: number;

  constructor(
    config: AppConfig,
    private readonly clock: Clock,
    @Optional() @Inject(HOST_RESOLVER) resolver?: HostResolver,
  ) {
    this.timeoutMs = config.deliveryTimeoutMs;
    this.agent = new Agent({
      connections: 64,
      allowH2: false,
      keepAliveTimeout: 10_000,
      keepAliveMaxTimeout: 60_000,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      connect: guardedConnector(config.targetPolicy, this.timeoutMs, resolver),
    });
  }

  async send(webhook: OutgoingWebhook): Promise<AttemptResult> {
    const controller = new AbortController();
    const timeoutMs = Math.min(webhook.timeoutMs, this.timeoutMs);
    const timer = setTimeout(() => controller.abort(new AttemptTimeoutError(timeoutMs)), timeoutMs);
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      // Redirects are never followed: undici follows none without its redirect interceptor.
      const res = await request(webhook.url, {
        method: 'POST',
        dispatcher: this.agent,
        headers: webhook.headers,
        body: webhook.body,
        signal: controller.signal,
      });
      const body = await readCapped(res.body, RESPONSE_BODY_CAP);
      return {
        kind: 'response',
        status: res.statusCode,
        body,
        retryAfterMs: parseRetryAfter(res.headers['retry-after'], this.clock.now()),
        durationMs: elapsed(),
      };
    } catch (err) {
      const cause = controller.signal.aborted && controller.signal.reason instanceof AttemptTimeoutError ? controller.signal.reason : err;
      return { kind: 'error', errorKind: classifyNetworkError(cause), message: errorMessage(cause), durationMs: elapsed() };
    } finally {
      clearTimeout(timer);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.agent.close().catch(() => undefined);
  }
}

/** Reads at most `cap` bytes; a longer body is cut off and its connection dropped. */
async function readCapped(body: AsyncIterable<Buffer> & { destroy(err?: Error): unknown }, cap: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const room = cap - size;
    if (chunk.length >= room) {
      if (room > 0) chunks.push(chunk.subarray(0, room));
      size = cap;
      body.destroy();
      break;
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  // Postgres text cannot hold NUL; a receiver's binary body must not break the attempt log.
  return Buffer.concat(chunks, size).toString('utf8').replace(/\u0000/g, '\uFFFD');
}

function errorMessage(err: unknown): string {
  const e = err as { message?: unknown; code?: unknown };
  const text = typeof e?.message === 'string' ? e.message : String(err);
  const code = typeof e?.code === 'string' ? ` (${e.code})` : '';
  return (text + code).slice(0, 500);
}
