import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { EVENT_TYPE_RE } from '#libs/endpoints';
import { PageQueryDto } from '../../common/pagination.js';

export class ListDeliveriesQuery extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'endpointId must be an endpoint id (UUID)' })
  endpointId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'eventId must be an event id (UUID)' })
  eventId?: string;

  @ApiPropertyOptional({ example: 'order.completed' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  @Matches(EVENT_TYPE_RE, { message: 'eventType must be an event type name such as order.completed' })
  eventType?: string;

  @ApiPropertyOptional({ enum: ['pending', 'succeeded', 'failed'] })
  @IsOptional()
  @IsIn(['pending', 'succeeded', 'failed'], { message: 'status must be pending, succeeded or failed' })
  status?: 'pending' | 'succeeded' | 'failed';

  @ApiPropertyOptional({ description: 'ISO 8601; deliveries created at or after' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'since must be an ISO 8601 date-time' })
  since?: string;

  @ApiPropertyOptional({ description: 'ISO 8601; deliveries created before' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'until must be an ISO 8601 date-time' })
  until?: string;
}

export class AdminListDeliveriesQuery extends ListDeliveriesQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'tenantId must be a tenant id (UUID)' })
  tenantId?: string;
}
