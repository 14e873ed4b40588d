import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';
import { PORTAL_SESSION_DEFAULT_SECONDS, PORTAL_SESSION_MAX_SECONDS, PORTAL_SESSION_MIN_SECONDS } from '#libs/tenants';

const EXPIRY_RULE = `expiresInSeconds must be a whole number from ${PORTAL_SESSION_MIN_SECONDS} to ${PORTAL_SESSION_MAX_SECONDS} (24 hours)`;

export class CreatePortalSessionDto {
  @ApiPropertyOptional({ minimum: PORTAL_SESSION_MIN_SECONDS, maximum: PORTAL_SESSION_MAX_SECONDS, default: PORTAL_SESSION_DEFAULT_SECONDS, description: 'how long the link works' })
  @IsOptional()
  @IsInt({ message: EXPIRY_RULE })
  @Min(PORTAL_SESSION_MIN_SECONDS, { message: EXPIRY_RULE })
  @Max(PORTAL_SESSION_MAX_SECONDS, { message: EXPIRY_RULE })
  expiresInSeconds?: number;

  @ApiPropertyOptional({ default: false, description: 'a read-only link is refused (403) by every route that changes data' })
  @IsOptional()
  @IsBoolean({ message: 'readOnly must be true or false' })
  readOnly?: boolean;
}

export class PortalSessionResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) tenantId!: string;
  @ApiProperty({ description: 'the first characters of the token (hrp_...), to tell links apart' }) prefix!: string;
  @ApiProperty() readOnly!: boolean;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() expiresAt!: Date;
  @ApiPropertyOptional({ nullable: true, type: Date }) revokedAt!: Date | null;
}

export class CreatedPortalSessionResponse extends PortalSessionResponse {
  @ApiProperty({
    example: 'https://hooks.example.com/console/portal#token=hrp_...',
    description:
      'The link to hand to the tenant: <PUBLIC_URL>/console/portal#token=hrp_... The token (in the fragment, so it never reaches a server log) is shown only in this response; ' +
      'it acts for this one tenant on the tenant routes as a tenant API key would (Authorization: Bearer hrp_...), except the tenants:write routes (API keys, settings), and, when readOnly, every route that changes data.',
  })
  url!: string;
}

export class PortalSessionPage {
  @ApiProperty({ type: [PortalSessionResponse] }) data!: PortalSessionResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
