import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsObject, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { NoNul } from '../../common/text-rules.js';

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

  @ApiPropertyOptional({ nullable: true })
  @ValidateIf((_: unknown, v: unknown) => v !== undefined && v !== null)
  @IsString({ message: 'description must be a string or null' })
  @MaxLength(1000)
  @NoNul('description')
  description?: string | null;

  @ApiPropertyOptional({ enum: ['active', 'disabled'], description: 'active re-enables an endpoint and clears its failure streak and disabledReason/disabledAt' })
  @present
  @IsIn(['active', 'disabled'], { message: 'status must be active or disabled' })
  status?: 'active' | 'disabled';

  @ApiPropertyOptional({ example: { 'x-team': 'payments' }, description: 'sent with every webhook; reserved names (host, content-type, content-length, user-agent, webhook-*, x-webhook-*) and CR/LF are refused' })
  @present
  @IsObject({ message: 'headers must be an object of header name to string value' })
  headers?: Record<string, string>;

  @ApiPropertyOptional({ nullable: true, minimum: 1, maximum: 10000, description: 'deliveries per second to this endpoint; over it deliveries wait (never dropped). null: no limit' })
  @ValidateIf((_: unknown, v: unknown) => v !== undefined && v !== null)
  @IsInt({ message: 'rateLimitPerSecond must be a whole number' })
  @Min(1, { message: 'rateLimitPerSecond must be at least 1' })
  @Max(10000, { message: 'rateLimitPerSecond must be at most 10000' })
  rateLimitPerSecond?: number | null;
}
