import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';

export class ReplayEventDto {
  @ApiPropertyOptional({ default: false, description: 'also send again to endpoints whose delivery succeeded' })
  @IsOptional()
  @IsBoolean({ message: 'force must be true or false' })
  force?: boolean;
}

export class ReplayResponse {
  @ApiProperty({ description: 'deliveries now pending because of the replay: failed ones reopened, new ones for endpoints without one, succeeded ones with force' })
  deliveries!: number;
}
