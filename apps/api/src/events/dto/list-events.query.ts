import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { EVENT_TYPE_RE } from '#libs/endpoints';
import { TimeRangePageQueryDto } from '../../common/pagination.js';

export class ListEventsQuery extends TimeRangePageQueryDto {
  @ApiPropertyOptional({ example: 'order.completed', description: 'an exact event type (hookrelay.* types included)' })
  @IsOptional()
  @IsString({ message: 'type must be an event type name such as order.completed' })
  @MaxLength(255, { message: 'type must be at most 255 characters' })
  @Matches(EVENT_TYPE_RE, { message: 'type must be an event type name such as order.completed (no wildcards)' })
  type?: string;
}
