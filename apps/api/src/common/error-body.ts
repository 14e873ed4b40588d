import { HttpException } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';
import { DomainError } from '#libs/common';
import { isDatabaseUnavailable, isForeignKeyViolation } from '#libs/database';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: unknown;
}

/** `details` of an error: an object, or a list of them (one per field that failed validation). */
export const ERROR_DETAILS_SCHEMAS = [
  { type: 'object' as const, additionalProperties: true },
  { type: 'array' as const, items: { type: 'object' as const, additionalProperties: true } },
];

/** ErrorBody in the OpenAPI document: every error response of the /v1 routes has this body. */
export class ErrorBodyResponse implements ErrorBody {
  @ApiProperty({ example: 400, description: 'the HTTP status again' }) statusCode!: number;
  @ApiProperty({ example: 'Bad Request', description: 'the status text' }) error!: string;
  @ApiProperty({ example: 'url must be an https URL', description: 'what is wrong, for a person to read' }) message!: string;
  @ApiPropertyOptional({ oneOf: ERROR_DETAILS_SCHEMAS, description: 'more about it, where there is any: for bad input, one entry per field with its problems' }) details?: unknown;
}

/** One error shape for every failure, whichever layer raised it (domain, Nest, Fastify).
 * `bodyLimit`: the request's route limit, to name in a body-too-large message. */
export function toErrorBody(err: unknown, bodyLimit = 256 * 1024): ErrorBody {
  if (err instanceof DomainError) return body(err.status, err.message, err.details);
  // Errors Fastify raises before a route runs (bad JSON, body too large, wrong content type);
  // Nest wraps them in an HttpException whose cause is the Fastify error.
  const fastify = fastifyClientError(err) ?? (err instanceof HttpException ? fastifyClientError(err.cause) : undefined);
  if (fastify) return body(fastify.statusCode, fastifyMessage(fastify.code, fastify.message, bodyLimit));
  if (err instanceof HttpException) {
    const res = err.getResponse();
    const message = typeof res === 'string' ? res : Array.isArray((res as { message?: unknown }).message) ? ((res as { message: string[] }).message).join('; ') : String((res as { message?: unknown }).message ?? err.message);
    return body(err.getStatus(), message);
  }
  if (isDatabaseUnavailable(err)) return body(503, 'the database is unavailable, retry later');
  // A row this request refers to went away while it ran: its tenant was deleted.
  if (isForeignKeyViolation(err)) return body(404, 'tenant not found');
  return body(500, 'internal error');
}

function fastifyClientError(err: unknown): { statusCode: number; code: string; message: string } | undefined {
  const e = err as { statusCode?: unknown; code?: unknown; message?: unknown } | undefined;
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500 && typeof e.code === 'string' && e.code.startsWith('FST_')) {
    return { statusCode: e.statusCode, code: e.code, message: String(e.message ?? '') };
  }
  return undefined;
}

function body(statusCode: number, message: string, details?: unknown): ErrorBody {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message, ...(details !== undefined ? { details } : {}) };
}

function fastifyMessage(code: string, message: string, bodyLimit: number): string {
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return `request body is larger than ${bodyLimit >= 1024 * 1024 ? `${bodyLimit / 1024 / 1024} MiB` : `${bodyLimit / 1024} KiB`}`;
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'content-type must be application/json';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'request body is empty; send a JSON object';
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'request body is not valid JSON, or has a __proto__ or constructor.prototype key';
    default:
      return message;
  }
}
