import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, Length, Matches, Max, MaxLength, Min, MinLength, ValidateBy } from 'class-validator';
import { databaseUrlProblem, redisUrlProblem } from './connection-urls.js';

const toBool = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off', ''].includes(v)) return false;
  return value;
};
const toNumber = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value);
const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value);

/** A URL variable checked by `problem` (shared with `npm start`'s preflight), whose words are the message. */
const ConnectionUrl = (name: string, problem: (value: string) => string | null) =>
  ValidateBy({
    name: 'connectionUrl',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && problem(value) === null,
      defaultMessage: (args) => (typeof args?.value === 'string' ? problem(args.value) : null) ?? `${name} must be a string`,
    },
  });

/** The process environment as the platform reads it; validated once at start-up. */
export class EnvDto {
  @IsString()
  @ConnectionUrl('DATABASE_URL', databaseUrlProblem)
  DATABASE_URL: string = 'postgresql://postgres@127.0.0.1:5432/webhooks';

  @Transform(toInt)
  @IsInt({ message: 'DATABASE_POOL_SIZE must be a whole number' })
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE: number = 10;

  @IsString()
  @ConnectionUrl('REDIS_URL', redisUrlProblem)
  REDIS_URL: string = 'redis://127.0.0.1:6379';

  /** host:port,...: run every Redis connection against a Redis Cluster (REDIS_URL is then not used).
   * Checked in full by parseRedisTopology. */
  @IsString()
  @MaxLength(4096)
  REDIS_CLUSTER_NODES: string = '';

  /** host:port,...: find the Redis master through these sentinels (with REDIS_SENTINEL_NAME). */
  @IsString()
  @MaxLength(4096)
  REDIS_SENTINELS: string = '';

  @IsString()
  @Matches(/^[^\s,]{0,128}$/, { message: 'REDIS_SENTINEL_NAME must be the master group name the sentinels monitor (no spaces or commas), e.g. mymaster' })
  REDIS_SENTINEL_NAME: string = '';

  /** Password of the cluster's nodes, or of the Sentinel-managed master and replicas. */
  @IsString()
  @MaxLength(512)
  REDIS_PASSWORD: string = '';

  @IsString()
  @MaxLength(512)
  REDIS_SENTINEL_PASSWORD: string = '';

  @IsString({ message: 'ADMIN_API_KEY is required (the bearer key for /v1/admin routes), at least 16 characters' })
  @MinLength(16, { message: 'ADMIN_API_KEY must be at least 16 characters' })
  @MaxLength(256)
  ADMIN_API_KEY!: string;

  /** Where the API and the worker's health server listen: every interface by default (containers);
   * `npm start` sets 127.0.0.1, since it runs with a publicly known admin key. */
  @IsString()
  @Matches(/^[A-Za-z0-9.:-]{1,253}$/, { message: 'HOST must be an address or host name to listen on, e.g. 0.0.0.0 (every interface), 127.0.0.1 or ::' })
  HOST: string = '0.0.0.0';

  @Transform(toInt)
  @IsInt({ message: 'PORT must be a whole number' })
  @Min(0)
  @Max(65535)
  PORT: number = 3000;

  /** Where people reach the API (scheme, host, port and any path prefix of a reverse proxy): portal
   * links are made from it. Empty: http://<HOST>:<PORT> (127.0.0.1 for a wildcard HOST). Checked in
   * full by parsePublicUrl. */
  @IsString()
  @MaxLength(2048)
  PUBLIC_URL: string = '';

  /** Origins allowed to embed the console in a frame (CSP frame-ancestors), space-separated: https
   * origins or 'self'. Empty: none. Checked in full by parseFrameAncestors. */
  @IsString()
  @MaxLength(4096)
  PORTAL_FRAME_ANCESTORS: string = '';

  /** The built console the API serves at /console. Empty: apps/console/dist of this checkout. */
  @IsString()
  @MaxLength(4096)
  CONSOLE_DIR: string = '';

  @Transform(toInt)
  @IsInt({ message: 'WORKER_PORT must be a whole number' })
  @Min(0)
  @Max(65535)
  WORKER_PORT: number = 3001;

  @Transform(toBool)
  @IsBoolean({ message: 'ALLOW_INSECURE_URLS must be true or false' })
  ALLOW_INSECURE_URLS: boolean = false;

  @IsString()
  @Matches(/^[0-9A-Fa-f:.\/,\s]*$/, { message: 'ALLOWED_TARGET_CIDRS must be comma-separated CIDRs, e.g. 127.0.0.0/8,::1/128' })
  ALLOWED_TARGET_CIDRS: string = '';

  @Transform(toBool)
  @IsBoolean({ message: 'ALLOW_PRIVATE_TARGETS must be true or false' })
  ALLOW_PRIVATE_TARGETS: boolean = false;

  /** Checked in full by parseSecretKeys (format, key ids, 32-byte keys) in loadConfig. */
  @IsString({ message: 'SECRETS_KEY is required: <key id>:<base64 of 32 bytes>[,<old id>:<base64>...] (openssl rand -base64 32)' })
  SECRETS_KEY!: string;

  @Transform(toInt)
  @IsInt({ message: 'RATE_LIMIT_PER_SECOND must be a whole number (requests per second per tenant, 0 = off)' })
  @Min(0)
  @Max(1_000_000)
  RATE_LIMIT_PER_SECOND: number = 5000;

  @Transform(toInt)
  @IsInt({ message: 'RATE_LIMIT_WINDOW_MS must be a whole number of milliseconds' })
  @Min(100)
  @Max(3_600_000)
  RATE_LIMIT_WINDOW_MS: number = 1000;

  @IsString()
  @Matches(/^\s*\d+(\.\d+)?(\s*,\s*\d+(\.\d+)?)*\s*$/, {
    message: 'RETRY_SCHEDULE must be comma-separated seconds between attempts, e.g. 5,60,300',
  })
  RETRY_SCHEDULE: string = '5,60,300,1800,7200,21600,43200';

  @Transform(toInt)
  @IsInt({ message: 'DELIVERY_TIMEOUT_MS must be a whole number of milliseconds' })
  @Min(100)
  @Max(120_000)
  DELIVERY_TIMEOUT_MS: number = 10_000;

  @IsString()
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'QUEUE_PREFIX must be 1-64 letters, digits, _ . or -' })
  QUEUE_PREFIX: string = 'hookrelay';

  @Transform(toInt)
  @IsInt({ message: 'WORKER_CONCURRENCY must be a whole number' })
  @Min(1)
  @Max(2000)
  WORKER_CONCURRENCY: number = 100;

  @Transform(toInt)
  @IsInt({ message: 'ENDPOINT_CONCURRENCY must be a whole number' })
  @Min(1)
  @Max(2000)
  ENDPOINT_CONCURRENCY: number = 25;

  @Transform(toInt)
  @IsInt({ message: 'INLINE_FAN_OUT_MAX must be a whole number' })
  @Min(0)
  @Max(10_000)
  INLINE_FAN_OUT_MAX: number = 100;

  @Transform(toInt)
  @IsInt({ message: 'RECONCILE_INTERVAL_MS must be a whole number of milliseconds' })
  @Min(100)
  RECONCILE_INTERVAL_MS: number = 30_000;

  @Transform(toNumber)
  @IsNumber({}, { message: 'ENDPOINT_DISABLE_AFTER_HOURS must be a number of hours (fractions allowed, 0 = never disable)' })
  @Min(0)
  @Max(8760)
  ENDPOINT_DISABLE_AFTER_HOURS: number = 120;

  @Transform(toInt)
  @IsInt({ message: 'ENDPOINT_DISABLE_MIN_FAILURES must be a whole number of failed deliveries' })
  @Min(1)
  @Max(1_000_000)
  ENDPOINT_DISABLE_MIN_FAILURES: number = 10;

  @Transform(toInt)
  @IsInt({ message: 'ENDPOINT_FAILING_ALERT_AFTER must be a whole number of failed deliveries' })
  @Min(1)
  @Max(1_000_000)
  ENDPOINT_FAILING_ALERT_AFTER: number = 3;

  @Transform(toNumber)
  @IsNumber({}, { message: 'ALERT_DEDUPE_SECONDS must be a number of seconds' })
  @Min(0)
  @Max(30 * 86400)
  ALERT_DEDUPE_SECONDS: number = 3600;

  /** Empty: no alert email. Checked in full by parseSmtpUrl in loadConfig. */
  @IsString()
  @Matches(/^(smtps?:\/\/\S+)?$/, { message: 'SMTP_URL must be smtp://[user:pass@]host[:port] or smtps://... (or empty: no alert email)' })
  SMTP_URL: string = '';

  @IsString()
  @Length(3, 320, { message: 'ALERT_EMAIL_FROM must be an email address, optionally with a name: Hookrelay <alerts@example.com>' })
  @Matches(/^([^<>\r\n]*<[^@\s<>]+@[^@\s<>]+>|[^@\s<>]+@[^@\s<>]+)$/, { message: 'ALERT_EMAIL_FROM must be an email address, optionally with a name: Hookrelay <alerts@example.com>' })
  ALERT_EMAIL_FROM: string = 'Hookrelay <alerts@hookrelay.invalid>';

  @Transform(toInt)
  @IsInt({ message: 'ALERT_OUTBOX_POLL_MS must be a whole number of milliseconds' })
  @Min(50)
  @Max(600_000)
  ALERT_OUTBOX_POLL_MS: number = 5000;

  @Transform(toInt)
  @IsInt({ message: 'RECOVERY_PAGE_SIZE must be a whole number of events' })
  @Min(1)
  @Max(10_000)
  RECOVERY_PAGE_SIZE: number = 500;

  @Transform(toInt)
  @IsInt({ message: 'ENDPOINT_STATS_FLUSH_MS must be a whole number of milliseconds' })
  @Min(50)
  @Max(60_000)
  ENDPOINT_STATS_FLUSH_MS: number = 1000;

  @Transform(toBool)
  @IsBoolean({ message: 'METRICS_ENABLED must be true or false' })
  METRICS_ENABLED: boolean = true;

  /** Empty: /metrics is open (keep the port private); otherwise a bearer token for the scraper. */
  @IsString()
  @Matches(/^(\S{16,256})?$/, { message: 'METRICS_TOKEN must be 16 to 256 characters without spaces (or empty: /metrics needs no token)' })
  METRICS_TOKEN: string = '';

  @Transform(toBool)
  @IsBoolean({ message: 'METRICS_PER_TENANT must be true or false' })
  METRICS_PER_TENANT: boolean = false;

  @Transform(toInt)
  @IsInt({ message: 'METRICS_POLL_MS must be a whole number of milliseconds' })
  @Min(100)
  @Max(600_000)
  METRICS_POLL_MS: number = 5000;

  @Transform(toNumber)
  @IsNumber({}, { message: 'RETENTION_DAYS must be a number of days (fractions allowed, 0 = keep everything)' })
  @Min(0)
  @Max(36_500)
  RETENTION_DAYS: number = 30;

  @Transform(toInt)
  @IsInt({ message: 'RETENTION_INTERVAL_MS must be a whole number of milliseconds' })
  @Min(100)
  @Max(86_400_000)
  RETENTION_INTERVAL_MS: number = 3_600_000;

  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';

  /** json: one pino JSON object per line (production); pretty: one readable line (`npm start`). */
  @IsIn(['json', 'pretty'], { message: 'LOG_FORMAT must be json or pretty' })
  LOG_FORMAT: 'json' | 'pretty' = 'json';
}
