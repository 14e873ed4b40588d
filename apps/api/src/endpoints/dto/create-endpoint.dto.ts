import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsString, MaxLength } from 'class-validator';
import { NoNulCharacters } from '../../common/no-nul.js';

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
  @NoNulCharacters('description')
  description?: string;
}
