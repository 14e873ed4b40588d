import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { parseCidr, parseSecretKeys, splitCidrList, TargetPolicy, type SecretKey } from '#libs/security';
import { EnvDto } from './env.dto.js';
import { parseRedisTopology, RedisTopologyError, type RedisTopology } from './redis-topology.js';

/** Typed configuration; the only place that reads `process.env` is `loadConfig`. */
export class AppConfig {
  readonly databaseUrl: string;
  readonly databasePoolSize: number;
  /** One server (REDIS_URL), a Redis Cluster or Sentinel: every Redis connection is made from this. */
  readonly redis: RedisTopology;
  readonly adminApiKey: string;
  /** Address the API and the worker's health server listen on. */
  readonly host: string;
  readonly port: number;
  readonly workerPort: number;
  /** Where people reach the API, without a trailing slash: portal links start with it. */
  readonly publicUrl: string;
  /** CSP frame-ancestors sources for the console: https origins or 'self'; empty: 'none'. */
  readonly portalFrameAncestors: readonly string[];
  /** The built console served at /console; empty: the API's default (apps/console/dist). */
  readonly consoleDir: string;
  readonly allowInsecureUrls: boolean;
  /** Seconds to wait after attempt n (index n-1) before attempt n+1. */
  readonly retryScheduleSeconds: readonly number[];
  readonly deliveryTimeoutMs: number;
  readonly queuePrefix: string;
  readonly workerConcurrency: number;
  /** Attempts in flight to one endpoint per worker process: a slow endpoint's share of the slots. */
  readonly endpointConcurrency: number;
  /** An event with at most this many subscribed endpoints gets its deliveries in the API's own insert
   * and its jobs straight from the API; a larger one is fanned out by a worker job. */
  readonly inlineFanOutMax: number;
  readonly reconcileIntervalMs: number;
  readonly logLevel: string;
  /** json in production; pretty (one readable line per record) under `npm start`. */
  readonly logFormat: 'json' | 'pretty';
  /** Which destination addresses webhooks may reach (ALLOWED_TARGET_CIDRS, ALLOW_PRIVATE_TARGETS). */
  readonly targetPolicy: TargetPolicy;
  /** SECRETS_KEY: the first key encrypts, every key decrypts. */
  readonly secretKeys: readonly SecretKey[];
  /** Tenant API requests per second, per tenant, across all API instances; 0 turns the limit off. */
  readonly rateLimitPerSecond: number;
  /** The tenant limit's window; RATE_LIMIT_PER_SECOND scales with it (1000 ms by default). */
  readonly rateLimitWindowMs: number;
  /** An endpoint whose deliveries have all failed this long (with at least endpointDisableMinFailures
   * failed deliveries) is disabled; 0 turns auto-disable off. */
  readonly endpointDisableAfterMs: number;
  readonly endpointDisableMinFailures: number;
  /** Failed deliveries in a row that raise hookrelay.endpoint.failing (once per streak). */
  readonly endpointFailingAlertAfter: number;
  /** At most one delivery.failed alert, and one email per alert kind, per endpoint in this window. */
  readonly alertDedupeMs: number;
  /** Null: alerts are not emailed. */
  readonly smtp: SmtpSettings | null;
  readonly alertEmailFrom: string;
  /** How often each worker looks for due alert rows; a failed email waits 2^n of these (at most 1 h). */
  readonly alertOutboxPollMs: number;
  /** Events a recovery reads per page; it also bounds the deliveries a recovery keeps queued. */
  readonly recoveryPageSize: number;
  /** How often each worker writes the endpoint-stats rollup from the attempts it recorded. */
  readonly endpointStatsFlushMs: number;
  /** /metrics on the API and the worker; false answers 404 and records nothing. */
  readonly metricsEnabled: boolean;
  /** Null: /metrics needs no token. */
  readonly metricsToken: string | null;
  /** Adds tenant_id (and endpoint_id) labels: their number is unbounded, so off by default. */
  readonly metricsPerTenant: boolean;
  /** How often the periodic gauges (queue counts, oldest due delivery) are read. */
  readonly metricsPollMs: number;
  /** Events older than this are purged with their deliveries and attempts; 0 keeps everything. */
  readonly retentionMs: number;
  readonly retentionIntervalMs: number;

  constructor(env: EnvDto) {
    this.databaseUrl = env.DATABASE_URL;
    this.databasePoolSize = env.DATABASE_POOL_SIZE;
    this.redis = parseRedisTopology(env);
    this.adminApiKey = env.ADMIN_API_KEY;
    this.host = env.HOST;
    this.port = env.PORT;
    this.workerPort = env.WORKER_PORT;
    this.publicUrl = parsePublicUrl(env.PUBLIC_URL, env.HOST, env.PORT);
    this.portalFrameAncestors = parseFrameAncestors(env.PORTAL_FRAME_ANCESTORS);
    this.consoleDir = env.CONSOLE_DIR.trim();
    this.allowInsecureUrls = env.ALLOW_INSECURE_URLS;
    this.retryScheduleSeconds = env.RETRY_SCHEDULE.split(',').map((s) => Number(s.trim()));
    this.deliveryTimeoutMs = env.DELIVERY_TIMEOUT_MS;
    this.queuePrefix = env.QUEUE_PREFIX;
    this.workerConcurrency = env.WORKER_CONCURRENCY;
    this.endpointConcurrency = env.ENDPOINT_CONCURRENCY;
    this.inlineFanOutMax = env.INLINE_FAN_OUT_MAX;
    this.reconcileIntervalMs = env.RECONCILE_INTERVAL_MS;
    this.logLevel = env.LOG_LEVEL;
    this.logFormat = env.LOG_FORMAT;
    this.targetPolicy = new TargetPolicy({ allowedCidrs: splitCidrList(env.ALLOWED_TARGET_CIDRS), allowPrivate: env.ALLOW_PRIVATE_TARGETS });
    this.secretKeys = parseSecretKeys(env.SECRETS_KEY);
    this.rateLimitPerSecond = env.RATE_LIMIT_PER_SECOND;
    this.rateLimitWindowMs = env.RATE_LIMIT_WINDOW_MS;
    this.endpointDisableAfterMs = Math.round(env.ENDPOINT_DISABLE_AFTER_HOURS * 3_600_000);
    this.endpointDisableMinFailures = env.ENDPOINT_DISABLE_MIN_FAILURES;
    this.endpointFailingAlertAfter = env.ENDPOINT_FAILING_ALERT_AFTER;
    this.alertDedupeMs = Math.round(env.ALERT_DEDUPE_SECONDS * 1000);
    this.smtp = env.SMTP_URL ? parseSmtpUrl(env.SMTP_URL) : null;
    this.alertEmailFrom = env.ALERT_EMAIL_FROM;
    this.alertOutboxPollMs = env.ALERT_OUTBOX_POLL_MS;
    this.recoveryPageSize = env.RECOVERY_PAGE_SIZE;
    this.endpointStatsFlushMs = env.ENDPOINT_STATS_FLUSH_MS;
    this.metricsEnabled = env.METRICS_ENABLED;
    this.metricsToken = env.METRICS_TOKEN || null;
    this.metricsPerTenant = env.METRICS_PER_TENANT;
    this.metricsPollMs = env.METRICS_POLL_MS;
    this.retentionMs = Math.round(env.RETENTION_DAYS * 86_400_000);
    this.retentionIntervalMs = env.RETENTION_INTERVAL_MS;
  }

  /** Attempts in all: the first one plus one per entry of the retry schedule. */
  get maxAttempts(): number {
    return this.retryScheduleSeconds.length + 1;
  }
}

/** PUBLIC_URL as portal links use it: http(s), a host, an optional path prefix, no query, fragment
 * or credentials; no trailing slash. Empty: http://<HOST>:<PORT> (127.0.0.1 for a wildcard HOST). */
export function parsePublicUrl(raw: string, host: string, port: number): string {
  const value = raw.trim();
  if (value === '') {
    const h = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    return `http://${h}:${port}`;
  }
  const rule = 'PUBLIC_URL must be where people reach the API: http(s)://host[:port][/path prefix], e.g. https://hooks.example.com';
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new Error(rule);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`${rule} (not ${u.protocol})`);
  if (u.username || u.password || u.search || u.hash || value.includes('?') || value.includes('#')) throw new Error(`${rule}; no credentials, query or fragment`);
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
}

/** PORTAL_FRAME_ANCESTORS: space-separated https origins (https://host[:port], nothing after) or 'self'. */
export function parseFrameAncestors(raw: string): string[] {
  const out: string[] = [];
  for (const item of raw.split(/\s+/).filter(Boolean)) {
    if (item === "'self'") {
      out.push(item);
      continue;
    }
    let u: URL | null = null;
    try {
      u = new URL(item);
    } catch {
      u = null;
    }
    const bare = u !== null && u.protocol === 'https:' && u.pathname === '/' && !u.search && !u.hash && !u.username && !u.password && !/^https:\/\/[^/]+\/./i.test(item);
    if (!u || !bare || item.includes('*')) {
      throw new Error(`PORTAL_FRAME_ANCESTORS: ${item} is not an https origin (https://host[:port]) or 'self'`);
    }
    if (!out.includes(u.origin)) out.push(u.origin);
  }
  return out;
}

export interface SmtpSettings {
  /** The URL as given, for nodemailer (credentials included: never log it). */
  url: string;
  /** host:port, safe to log. */
  address: string;
}

/** Checks an SMTP_URL: smtp:// or smtps://, a host, an optional port and credentials. */
export function parseSmtpUrl(raw: string): SmtpSettings {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new Error('SMTP_URL must be smtp://[user:pass@]host[:port] or smtps://...');
  }
  if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:') throw new Error('SMTP_URL must start with smtp:// or smtps://');
  if (!u.hostname) throw new Error('SMTP_URL must name a host');
  if ((u.pathname && u.pathname !== '/') || u.hash) throw new Error('SMTP_URL must be smtp://[user:pass@]host[:port] with no path');
  return { url: raw, address: `${u.hostname}:${u.port || (u.protocol === 'smtps:' ? 465 : 587)}` };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(source: Record<string, string | undefined> = process.env): AppConfig {
  const known = Object.keys(new EnvDto());
  known.push('ADMIN_API_KEY', 'SECRETS_KEY');
  const picked: Record<string, string> = {};
  for (const key of known) {
    const value = source[key];
    if (value !== undefined) picked[key] = value;
  }
  const env = plainToInstance(EnvDto, picked, { exposeDefaultValues: true });
  const errors = validateSync(env, { whitelist: true });
  if (errors.length > 0) throw new ConfigError(errors.map(firstProblem));
  const problems = [
    ...splitCidrList(env.ALLOWED_TARGET_CIDRS).filter((c) => !parseCidr(c)).map((c) => `ALLOWED_TARGET_CIDRS: ${c} is not a CIDR (e.g. 127.0.0.0/8 or ::1/128)`),
  ];
  try {
    parseSecretKeys(env.SECRETS_KEY);
  } catch (err) {
    problems.push((err as Error).message);
  }
  try {
    parseRedisTopology(env);
  } catch (err) {
    if (!(err instanceof RedisTopologyError)) throw err;
    problems.push(...err.problems);
  }
  for (const check of [() => parsePublicUrl(env.PUBLIC_URL, env.HOST, env.PORT), () => parseFrameAncestors(env.PORTAL_FRAME_ANCESTORS)]) {
    try {
      check();
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  if (env.SMTP_URL) {
    try {
      parseSmtpUrl(env.SMTP_URL);
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return new AppConfig(env);
}

/** Constraints that say what kind of value is wanted; when one fails, the range checks after it
 * only confuse ("PORT must not be greater than 65535" for PORT=abc). */
const TYPE_CHECKS = ['isString', 'isInt', 'isNumber', 'isBoolean'];

/** One line per variable: its type problem if it has one, else its first other problem. */
function firstProblem(e: ValidationError): string {
  const constraints = e.constraints ?? {};
  const key = TYPE_CHECKS.find((k) => k in constraints) ?? Object.keys(constraints)[0];
  return key ? constraints[key]! : `${e.property} is invalid`;
}
