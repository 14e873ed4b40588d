import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { EVENT_TYPE_RE } from '#libs/endpoints';
import { NoControlChars } from '../../common/text-rules.js';

export class DispatchEventDto {
  @ApiProperty({ example: 'order.completed', description: 'dot-separated names; types starting with hookrelay. are reserved for the platform\'s operational events (400)' })
  @IsString({ message: 'type must be a string' })
  @MaxLength(255)
  @Matches(EVENT_TYPE_RE, { message: 'type must be dot-separated names of letters, digits, _ or - (e.g. order.completed)' })
  type!: string;

  @ApiProperty({ example: { orderId: 'o_123', total: 4200 }, description: 'any JSON object, delivered unchanged' })
  @IsObject({ message: 'data must be a JSON object' })
  data!: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'the same key again returns the same event; the Idempotency-Key header works too' })
  @IsOptional()
  @IsString({ message: 'idempotencyKey must be a string' })
  @Length(1, 255)
  @NoControlChars('idempotencyKey')
  idempotencyKey?: string;
}

export class EventAcceptedResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() type!: string;
  @ApiProperty() createdAt!: Date;
}
