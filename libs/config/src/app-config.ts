import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { EnvDto } from './env.dto.js';

/** Typed configuration; the only place that reads `process.env` is `loadConfig`. */
export class AppConfig {
  readonly databaseUrl: string;
  readonly databasePoolSize: number;
  readonly redisUrl: string;
  readonly adminApiKey: string;
  readonly port: number;
  readonly workerPort: number;
  readonly allowInsecureUrls: boolean;
  /** Seconds to wait after attempt n (index n-1) before attempt n+1. */
  readonly retryScheduleSeconds: readonly number[];
  readonly deliveryTimeoutMs: number;
  readonly queuePrefix: string;
  readonly workerConcurrency: number;
  /** Attempts in flight to one endpoint per worker process: a slow endpoint's share of the slots. */
  readonly endpointConcurrency: number;
  readonly reconcileIntervalMs: number;
  readonly logLevel: string;

  constructor(env: EnvDto) {
    this.databaseUrl = env.DATABASE_URL;
    this.databasePoolSize = env.DATABASE_POOL_SIZE;
    this.redisUrl = env.REDIS_URL;
    this.adminApiKey = env.ADMIN_API_KEY;
    this.port = env.PORT;
    this.workerPort = env.WORKER_PORT;
    this.allowInsecureUrls = env.ALLOW_INSECURE_URLS;
    this.retryScheduleSeconds = env.RETRY_SCHEDULE.split(',').map((s) => Number(s.trim()));
    this.deliveryTimeoutMs = env.DELIVERY_TIMEOUT_MS;
    this.queuePrefix = env.QUEUE_PREFIX;
    this.workerConcurrency = env.WORKER_CONCURRENCY;
    this.endpointConcurrency = env.ENDPOINT_CONCURRENCY;
    this.reconcileIntervalMs = env.RECONCILE_INTERVAL_MS;
    this.logLevel = env.LOG_LEVEL;
  }

  /** Attempts in all: the first one plus one per entry of the retry schedule. */
  get maxAttempts(): number {
    return this.retryScheduleSeconds.length + 1;
  }
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(source: Record<string, string | undefined> = process.env): AppConfig {
  const known = Object.keys(new EnvDto());
  known.push('ADMIN_API_KEY');
  const picked: Record<string, string> = {};
  for (const key of known) {
    const value = source[key];
    if (value !== undefined) picked[key] = value;
  }
  const env = plainToInstance(EnvDto, picked, { exposeDefaultValues: true });
  const errors = validateSync(env, { whitelist: true });
  if (errors.length > 0) {
    throw new ConfigError(errors.map((e) => Object.values(e.constraints ?? {})[0] ?? `${e.property} is invalid`));
  }
  return new AppConfig(env);
}
