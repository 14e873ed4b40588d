import { pino, type Logger } from 'pino';
import type { LoggerService } from '@nestjs/common';
import { prettyDestination } from './pretty-log.js';

/** Paths pino blanks out wherever they appear in a log record. */
export const REDACTED_PATHS = [
  'secret',
  '*.secret',
  'apiKey',
  '*.apiKey',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'signature',
  '*.signature',
  'headers["webhook-signature"]',
  '*.headers["webhook-signature"]',
  // The other schemes' signature headers (an hmac scheme's own header is never logged: no log line carries outgoing headers).
  'headers["x-hub-signature-256"]',
  '*.headers["x-hub-signature-256"]',
  'headers["stripe-signature"]',
  '*.headers["stripe-signature"]',
  'headers["x-line-signature"]',
  '*.headers["x-line-signature"]',
];

export type LogFormat = 'json' | 'pretty';

/** `destination` defaults to stdout; tests pass a stream to read what would have been logged.
 * `pretty` (LOG_FORMAT, set by `npm start`) writes each record as one readable line instead of JSON. */
export function createLogger(level: string, name: string, destination?: NodeJS.WritableStream, format: LogFormat = 'json'): Logger {
  const options = { name, level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  if (format === 'pretty') return pino(options, prettyDestination(destination ?? process.stdout));
  return destination ? pino(options, destination) : pino(options);
}

/** Nest's start-up narration (modules initialised, every route mapped, "starting"): one line per
 * module and route, useful only when debugging; the processes log their own "listening" line. */
const BOOTSTRAP_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

/** Routes Nest's own logging through pino so every line is structured (JSON, or pretty). */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string) {
    if (context && BOOTSTRAP_CONTEXTS.has(context)) this.logger.debug({ context }, String(message));
    else this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, message instanceof Error ? message.message : String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}

export type { Logger };

/** Injection token for the process's pino logger. */
export const LOGGER = Symbol('LOGGER');
