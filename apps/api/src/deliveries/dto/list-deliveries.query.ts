import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { EVENT_TYPE_RE } from '#libs/endpoints';
import { TimeRangePageQueryDto } from '../../common/pagination.js';

export class ListDeliveriesQuery extends TimeRangePageQueryDto {
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
}

export class AdminListDeliveriesQuery extends ListDeliveriesQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'tenantId must be a tenant id (UUID)' })
  tenantId?: string;
}
