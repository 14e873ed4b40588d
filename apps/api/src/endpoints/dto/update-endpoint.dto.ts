import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsString, MaxLength, ValidateIf } from 'class-validator';
import { NoNulCharacters } from '../../common/no-nul.js';

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
  @NoNulCharacters('description')
  description?: string | null;

  @ApiPropertyOptional({ enum: ['active', 'disabled'] })
  @present
  @IsIn(['active', 'disabled'], { message: 'status must be active or disabled' })
  status?: 'active' | 'disabled';
}
