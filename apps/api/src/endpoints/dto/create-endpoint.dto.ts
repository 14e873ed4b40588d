import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsObject, IsOptional, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { PAYLOAD_FORMATS } from '#libs/endpoints';
import { NoNul } from '../../common/text-rules.js';
import { BATCH_DESCRIPTION, BatchOptionsDoc, PAYLOAD_DESCRIPTION, SIGNATURE_DESCRIPTION, SignatureOptionsDoc, TIMEOUT_DESCRIPTION } from './delivery-options.dto.js';

export class CreateEndpointDto {
  @ApiProperty({ example: 'https://example.com/webhooks', description: 'https only, unless ALLOW_INSECURE_URLS is on' })
  @IsString({ message: 'url must be a string' })
  @MaxLength(2048)
  url!: string;

  @ApiProperty({ example: ['order.completed', 'invoice.*'], description: 'exact names, prefix wildcards (order.*) or *' })
  @IsArray({ message: 'eventTypes must be an array of strings' })
  @ArrayMinSize(1, { message: 'eventTypes must contain at least one event type' })
  @ArrayMaxSize(100)
  @IsString({ each: true, message: 'eventTypes entries must be strings' })
  @MaxLength(255, { each: true })
  eventTypes!: string[];

  @ApiPropertyOptional({ example: 'Orders service, production' })
  @IsOptional()
  @IsString({ message: 'description must be a string' })
  @MaxLength(1000)
  @NoNul('description')
  description?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { 'x-team': 'payments' }, description: 'sent with every webhook; reserved names (host, content-type, content-length, user-agent, webhook-*, x-webhook-*, the signature headers of every scheme: x-hub-signature-256, stripe-signature, x-line-signature and the headers of an hmac scheme) and CR/LF are refused' })
  @IsOptional()
  @IsObject({ message: 'headers must be an object of header name to string value' })
  headers?: Record<string, string>;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 1, maximum: 10000, description: 'deliveries per second to this endpoint; over it deliveries wait (never dropped). null: no limit' })
  @IsOptional()
  @IsInt({ message: 'rateLimitPerSecond must be a whole number' })
  @Min(1, { message: 'rateLimitPerSecond must be at least 1' })
  @Max(10000, { message: 'rateLimitPerSecond must be at most 10000' })
  rateLimitPerSecond?: number;

  @ApiPropertyOptional({ type: SignatureOptionsDoc, example: { scheme: 'hmac', header: 'X-Webhook-Signature', prefix: 'sha256=', encoding: 'hex', content: 'body' }, description: SIGNATURE_DESCRIPTION })
  @IsOptional()
  @IsObject({ message: 'signature must be an object such as {"scheme": "github"}' })
  signature?: Record<string, unknown>;

  @ApiPropertyOptional({ enum: PAYLOAD_FORMATS, default: 'envelope', description: PAYLOAD_DESCRIPTION })
  @IsOptional()
  @IsIn(PAYLOAD_FORMATS, { message: `payload must be one of ${PAYLOAD_FORMATS.join(', ')}` })
  payload?: string;

  @ApiPropertyOptional({ type: BatchOptionsDoc, nullable: true, description: BATCH_DESCRIPTION })
  @ValidateIf((_: unknown, v: unknown) => v !== undefined && v !== null)
  @IsObject({ message: 'batch must be an object such as {"maxEvents": 100, "maxWaitMs": 1000}, or null' })
  batch?: Record<string, unknown> | null;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 100, description: TIMEOUT_DESCRIPTION })
  @ValidateIf((_: unknown, v: unknown) => v !== undefined && v !== null)
  @IsInt({ message: 'timeoutMs must be a whole number' })
  timeoutMs?: number | null;

  @ApiPropertyOptional({ description: 'your own signing secret (a LINE channel secret, a FastComments API secret, ...): 16 to 256 printable ASCII characters; for standard-webhooks whsec_ + the base64 of 24 to 64 bytes. Generated to suit the scheme when left out' })
  @IsOptional()
  @IsString({ message: 'secret must be a string' })
  secret?: string;
}
