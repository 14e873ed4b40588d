import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsObject, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { PAYLOAD_FORMATS } from '#libs/endpoints';
import { NoNul } from '../../common/text-rules.js';
import { BATCH_DESCRIPTION, BatchOptionsDoc, PAYLOAD_DESCRIPTION, SIGNATURE_DESCRIPTION, SignatureOptionsDoc, TIMEOUT_DESCRIPTION } from './delivery-options.dto.js';

/** Present fields are validated; null only clears `description`. */
const present = ValidateIf((_: unknown, v: unknown) => v !== undefined);

export class UpdateEndpointDto {
  @ApiPropertyOptional()
  @present
  @IsString({ message: 'url must be a string' })
  @MaxLength(2048)
  url?: string;

  @ApiPropertyOptional({ type: [String] })
  @present
  @IsArray({ message: 'eventTypes must be an array of strings' })
  @ArrayMinSize(1, { message: 'eventTypes must contain at least one event type' })
  @ArrayMaxSize(100)
  @IsString({ each: true, message: 'eventTypes entries must be strings' })
  @MaxLength(255, { each: true })
  eventTypes?: string[];

  @ApiPropertyOptional({ type: String, nullable: true })
  @ValidateIf((_: unknown, v: unknown) => v !== undefined && v !== null)
  @IsString({ message: 'description must be a string or null' })
  @MaxLength(1000)
  @NoNul('description')
  description?: string | null;

  @ApiPropertyOptional({ enum: ['active', 'disabled'], description: 'active re-enables an endpoint and clears its failure streak and disabledReason/disabledAt' })
  @present
  @IsIn(['active', 'disabled'], { message: 'status must be active or disabled' })
  status?: 'active' | 'disabled';

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { 'x-team': 'payments' }, description: 'sent with every webhook; reserved names (host, content-type, content-length, user-agent, webhook-*, x-webhook-*, the signature headers of every scheme: x-hub-signature-256, stripe-signature, x-line-signature and the headers of an hmac scheme) and CR/LF are refused' })
  @present
  @IsObject({ message: 'headers must be an object of header name to string value' })
  headers?: Record<string, string>;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 1, maximum: 10000, description: 'deliveries per second to this endpoint; over it deliveries wait (never dropped). null: no limit' })
  @ValidateIf((_: unknown, v: unknown) => v !== undefined && v !== null)
  @IsInt({ message: 'rateLimitPerSecond must be a whole number' })
  @Min(1, { message: 'rateLimitPerSecond must be at least 1' })
  @Max(10000, { message: 'rateLimitPerSecond must be at most 10000' })
  rateLimitPerSecond?: number | null;

  @ApiPropertyOptional({ type: SignatureOptionsDoc, description: `${SIGNATURE_DESCRIPTION}. The endpoint keeps its secret, which must suit the new scheme (rotate first otherwise)` })
  @present
  @IsObject({ message: 'signature must be an object such as {"scheme": "github"}' })
  signature?: Record<string, unknown>;

  @ApiPropertyOptional({ enum: PAYLOAD_FORMATS, description: PAYLOAD_DESCRIPTION })
  @present
  @IsIn(PAYLOAD_FORMATS, { message: `payload must be one of ${PAYLOAD_FORMATS.join(', ')}` })
  payload?: string;

  @ApiPropertyOptional({ type: BatchOptionsDoc, nullable: true, description: `${BATCH_DESCRIPTION}. Applies to deliveries not yet sent` })
  @ValidateIf((_: unknown, v: unknown) => v !== undefined && v !== null)
  @IsObject({ message: 'batch must be an object such as {"maxEvents": 100, "maxWaitMs": 1000}, or null' })
  batch?: Record<string, unknown> | null;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 100, description: TIMEOUT_DESCRIPTION })
  @ValidateIf((_: unknown, v: unknown) => v !== undefined && v !== null)
  @IsInt({ message: 'timeoutMs must be a whole number' })
  timeoutMs?: number | null;
}
