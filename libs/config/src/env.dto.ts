import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';

const toBool = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off', ''].includes(v)) return false;
  return value;
};
const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value);

/** The process environment as the platform reads it; validated once at start-up. */
export class EnvDto {
  @IsString()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgresql:// URL' })
  DATABASE_URL: string = 'postgresql://postgres@127.0.0.1:5432/webhooks';

  @Transform(toInt)
  @IsInt({ message: 'DATABASE_POOL_SIZE must be a whole number' })
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE: number = 10;

  @IsString()
  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL: string = 'redis://127.0.0.1:6379';

  @IsString({ message: 'ADMIN_API_KEY is required (the bearer key for /v1/admin routes), at least 16 characters' })
  @MinLength(16, { message: 'ADMIN_API_KEY must be at least 16 characters' })
  @MaxLength(256)
  ADMIN_API_KEY!: string;

  @Transform(toInt)
  @IsInt({ message: 'PORT must be a whole number' })
  @Min(0)
  @Max(65535)
  PORT: number = 3000;

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

  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';
}
