import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { MAX_ROTATION_GRACE_SECONDS } from '#libs/endpoints';

export class RotateSecretDto {
  @ApiPropertyOptional({ default: 86400, maximum: MAX_ROTATION_GRACE_SECONDS, description: 'how long the previous secret keeps signing beside the new one' })
  @IsOptional()
  @IsInt({ message: 'gracePeriodSeconds must be a whole number' })
  @Min(0, { message: 'gracePeriodSeconds must be at least 0' })
  @Max(MAX_ROTATION_GRACE_SECONDS, { message: `gracePeriodSeconds must be at most ${MAX_ROTATION_GRACE_SECONDS}` })
  gracePeriodSeconds?: number;
}

export class RotatedSecretResponse {
  @ApiProperty({ description: 'the new signing secret (whsec_...); shown only here' }) secret!: string;
  @ApiProperty({ description: 'until then every webhook carries a signature with the previous secret too' }) previousSecretsExpireAt!: Date;
}
