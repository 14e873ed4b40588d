import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsObject, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { EVENT_TYPE_RE } from '#libs/endpoints';
import { NoControlChars } from '../../common/text-rules.js';
import { ERROR_DETAILS_SCHEMAS } from '../../common/error-body.js';
import { registerFastPath } from '../../common/validation.pipe.js';

export class DispatchEventDto {
  @ApiProperty({ example: 'order.completed', description: 'dot-separated names; types starting with hookrelay. are reserved for the platform\'s operational events (400)' })
  @IsString({ message: 'type must be a string' })
  @MaxLength(255)
  @Matches(EVENT_TYPE_RE, { message: 'type must be dot-separated names of letters, digits, _ or - (e.g. order.completed)' })
  type!: string;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { orderId: 'o_123', total: 4200 }, description: 'any JSON object, delivered unchanged' })
  @IsObject({ message: 'data must be a JSON object' })
  data!: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'the same key again returns the same event; the Idempotency-Key header works too' })
  @IsOptional()
  @IsString({ message: 'idempotencyKey must be a string' })
  @Length(1, 255)
  @NoControlChars('idempotencyKey')
  idempotencyKey?: string;
}

// The most common request of all: a valid event, accepted without class-validator (about 0.04 ms of
// API CPU per request). Anything else, every error included, takes the decorators above.
// Control characters are refused; U+FE0E/U+FE0F are left to class-validator, whose lengths do not count them.
const NOT_PLAIN = /[\u0000-\u001f\u007f\uFE0E\uFE0F]/;
registerFastPath(DispatchEventDto, (v) => {
  const { type, data, idempotencyKey } = v;
  if (typeof type !== 'string' || type.length > 255 || !EVENT_TYPE_RE.test(type)) return undefined;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  if (idempotencyKey !== undefined && idempotencyKey !== null && (typeof idempotencyKey !== 'string' || idempotencyKey.length < 1 || idempotencyKey.length > 255 || NOT_PLAIN.test(idempotencyKey))) return undefined;
  let n = 0;
  for (const k in v) {
    if (k !== 'type' && k !== 'data' && k !== 'idempotencyKey') return undefined;
    n++;
  }
  if (n !== Object.keys(v).length) return undefined;
  const dto = new DispatchEventDto();
  dto.type = type;
  dto.data = data as Record<string, unknown>;
  if (idempotencyKey !== undefined) dto.idempotencyKey = idempotencyKey as string;
  return dto;
});

export class EventAcceptedResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() type!: string;
  @ApiProperty() createdAt!: Date;
}

export const MAX_BATCH_EVENTS = 1000;

export class DispatchBatchDto {
  /** Each item is validated on its own by the handler (see validateItem), so one bad item refuses only itself. */
  static readonly itemsField = 'events';

  @ApiProperty({ type: [DispatchEventDto], minItems: 1, maxItems: MAX_BATCH_EVENTS, description: 'events as POST /v1/events takes them (idempotencyKey in each item); the body may be up to 5 MiB' })
  @IsArray({ message: `events must be an array of 1 to ${MAX_BATCH_EVENTS} events` })
  @ArrayMinSize(1, { message: `events must hold 1 to ${MAX_BATCH_EVENTS} events` })
  @ArrayMaxSize(MAX_BATCH_EVENTS, { message: `events must hold 1 to ${MAX_BATCH_EVENTS} events` })
  events!: unknown[];
}

export class BatchItemError {
  @ApiProperty({ example: 400 }) statusCode!: number;
  @ApiProperty({ example: 'Bad Request' }) error!: string;
  @ApiProperty({ example: 'type must be dot-separated names of letters, digits, _ or - (e.g. order.completed)' }) message!: string;
  @ApiPropertyOptional({ oneOf: ERROR_DETAILS_SCHEMAS }) details?: unknown;
}

/** One per item, in order: `status` 202 with the event, or the item's 4xx with the standard error body. */
export class BatchItemResult {
  @ApiProperty({ enum: [202, 400, 409], description: '202: accepted (or replayed); 400: invalid item; 409: idempotency key used for a different event' }) status!: number;
  @ApiPropertyOptional({ format: 'uuid' }) id?: string;
  @ApiPropertyOptional() type?: string;
  @ApiPropertyOptional() createdAt?: Date;
  @ApiPropertyOptional({ description: 'true when the idempotency key had already stored this event (earlier, or earlier in this batch)' }) replayed?: boolean;
  @ApiPropertyOptional({ type: BatchItemError }) error?: BatchItemError;
}

export class BatchDispatchResponse {
  @ApiProperty({ type: [BatchItemResult] }) results!: BatchItemResult[];
}

export class EventExpungedResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() type!: string;
  @ApiProperty() createdAt!: Date;
  @ApiProperty({ description: 'when the event was first expunged; its data and its attempts\' response bodies are gone' }) expungedAt!: Date;
}
