import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { MAX_ROTATION_GRACE_SECONDS } from '#libs/endpoints';

export class RotateSecretDto {
  @ApiPropertyOptional({ default: 86400, maximum: MAX_ROTATION_GRACE_SECONDS, description: 'how long the previous secret keeps signing beside the new one' })
  @IsOptional()
  @IsInt({ message: 'gracePeriodSeconds must be a whole number' })
  @Min(0, { message: 'gracePeriodSeconds must be at least 0' })
  @Max(MAX_ROTATION_GRACE_SECONDS, { message: `gracePeriodSeconds must be at most ${MAX_ROTATION_GRACE_SECONDS}` })
  gracePeriodSeconds?: number;

  @ApiPropertyOptional({ description: 'your own new secret (16 to 256 printable ASCII characters; for standard-webhooks whsec_ + the base64 of 24 to 64 bytes); generated to suit the scheme when left out' })
  @IsOptional()
  @IsString({ message: 'secret must be a string' })
  secret?: string;
}

export class RotatedSecretResponse {
  @ApiProperty({ description: 'the new signing secret; shown only here' }) secret!: string;
  @ApiProperty({
    description: 'until then the previous secrets are kept: with standard-webhooks and stripe every webhook carries a signature with them too; github, line and hmac carry one signature, made with the new secret only',
  })
  previousSecretsExpireAt!: Date;
}
