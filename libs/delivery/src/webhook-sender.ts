import { Inject, Injectable, Optional, type OnApplicationShutdown } from '@nestjs/common';
import { Agent, type Dispatcher } from 'undici';
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

  /** One request through undici's dispatch API: the response is taken as it arrives (status,
   * headers, at most RESPONSE_BODY_CAP bytes) without a body stream, an AbortSignal or a promise per
   * step, which `request()` would add to every delivery. */
  send(webhook: OutgoingWebhook): Promise<AttemptResult> {
    return new Promise((resolve) => {
      const timeoutMs = Math.min(webhook.timeoutMs, this.timeoutMs);
      const started = performance.now();
      const elapsed = () => Math.round(performance.now() - started);
      let controller: Dispatcher.DispatchController | null = null;
      let stopped: Error | null = null;
      let settled = false;
      let status = 0;
      let retryAfter: string | string[] | undefined;
      const chunks: Buffer[] = [];
      let size = 0;
      const settle = (result: AttemptResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };
      const fail = (err: unknown) => settle({ kind: 'error', errorKind: classifyNetworkError(err), message: errorMessage(err), durationMs: elapsed() });
      const respond = () =>
        settle({ kind: 'response', status, body: bodyText(chunks, size), retryAfterMs: parseRetryAfter(retryAfter, this.clock.now()), durationMs: elapsed() });
      /** Ends the request here (a timeout, a body over the cap): its connection is dropped. Before
       * the request has a socket, it is dropped as soon as it gets one, before anything is written. */
      const stop = (reason: Error) => {
        stopped = reason;
        controller?.abort(reason);
      };
      // The attempt's whole budget: connecting, then the request, then the response.
      const timer = setTimeout(() => {
        stop(new AttemptTimeoutError(timeoutMs));
        fail(stopped);
      }, timeoutMs);
      let target: URL;
      try {
        target = new URL(webhook.url);
      } catch (err) {
        return fail(err);
      }
      try {
        // Redirects are never followed: undici follows none without its redirect interceptor.
        this.agent.dispatch(
          { origin: target.origin, path: target.pathname + target.search, method: 'POST', headers: webhook.headers, body: webhook.body },
          {
            onRequestStart: (c) => {
              controller = c;
              if (stopped) c.abort(stopped);
            },
            onResponseStart: (_c, statusCode, headers) => {
              status = statusCode;
              retryAfter = headers['retry-after'];
            },
            onResponseData: (_c, chunk) => {
              const room = RESPONSE_BODY_CAP - size;
              if (chunk.length < room) {
                chunks.push(chunk);
                size += chunk.length;
                return;
              }
              // A longer body is cut off at the cap and its connection dropped.
              if (room > 0) chunks.push(chunk.subarray(0, room));
              size = RESPONSE_BODY_CAP;
              respond();
              stop(new Error('response body over the cap'));
            },
            onResponseEnd: () => respond(),
            onResponseError: (_c, err) => fail(err),
          },
        );
      } catch (err) {
        fail(err);
      }
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.agent.close().catch(() => undefined);
  }
}

/** The response body kept: what arrived, at most RESPONSE_BODY_CAP bytes, as text. */
function bodyText(chunks: Buffer[], size: number): string {
  // Postgres text cannot hold NUL; a receiver's binary body must not break the attempt log.
  return Buffer.concat(chunks, size).toString('utf8').replace(/\u0000/g, '\uFFFD');
}

function errorMessage(err: unknown): string {
  const e = err as { message?: unknown; code?: unknown };
  const text = typeof e?.message === 'string' ? e.message : String(err);
  const code = typeof e?.code === 'string' ? ` (${e.code})` : '';
  return (text + code).slice(0, 500);
}
