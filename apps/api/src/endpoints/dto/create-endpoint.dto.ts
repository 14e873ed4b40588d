import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsObject, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { NoNul } from '../../common/text-rules.js';

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

  @ApiPropertyOptional({ example: { 'x-team': 'payments' }, description: 'sent with every webhook; reserved names (host, content-type, content-length, user-agent, webhook-*, x-webhook-*) and CR/LF are refused' })
  @IsOptional()
  @IsObject({ message: 'headers must be an object of header name to string value' })
  headers?: Record<string, string>;

  @ApiPropertyOptional({ nullable: true, minimum: 1, maximum: 10000, description: 'deliveries per second to this endpoint; over it deliveries wait (never dropped). null: no limit' })
  @IsOptional()
  @IsInt({ message: 'rateLimitPerSecond must be a whole number' })
  @Min(1, { message: 'rateLimitPerSecond must be at least 1' })
  @Max(10000, { message: 'rateLimitPerSecond must be at most 10000' })
  rateLimitPerSecond?: number;
}
