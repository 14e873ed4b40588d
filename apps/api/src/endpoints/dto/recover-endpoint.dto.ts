import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional } from 'class-validator';
import { RECOVERY_MAX_AGE_DAYS } from '#libs/redelivery';

export class RecoverEndpointDto {
  @ApiProperty({ example: '2026-12-01T06:12:41.002Z', description: `ISO 8601; events accepted at or after it, at most ${RECOVERY_MAX_AGE_DAYS} days ago and not in the future` })
  @IsISO8601({ strict: true }, { message: 'since must be an ISO 8601 date-time' })
  since!: string;

  @ApiPropertyOptional({ description: 'ISO 8601; events accepted before it, after since (default and at most: now)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'until must be an ISO 8601 date-time' })
  until?: string;
}
