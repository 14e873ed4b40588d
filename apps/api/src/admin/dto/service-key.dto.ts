import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsString, Length } from 'class-validator';
import { SCOPES } from '#libs/tenants';
import { NoControlChars } from '../../common/text-rules.js';

export class CreateServiceKeyDto {
  @ApiProperty({ example: 'billing-service' })
  @IsString({ message: 'name must be a string' })
  @Length(1, 200, { message: 'name must be 1 to 200 characters' })
  @NoControlChars('name')
  name!: string;

  @ApiProperty({ type: [String], enum: SCOPES, example: ['events:write', 'endpoints:read'], description: 'what the key may do, for any tenant it names in Hookrelay-Tenant' })
  @IsArray({ message: `scopes must be an array of scopes (${SCOPES.join(', ')})` })
  @ArrayMaxSize(SCOPES.length * 2, { message: `scopes may hold at most ${SCOPES.length * 2} entries` })
  @IsString({ each: true, message: `scopes entries must be strings (${SCOPES.join(', ')})` })
  scopes!: string[];
}

export class ServiceKeyResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: [String], enum: SCOPES }) scopes!: string[];
  @ApiProperty({ description: 'the first characters of the key (hrs_...), to tell keys apart' }) prefix!: string;
  @ApiProperty() createdAt!: Date;
  @ApiPropertyOptional({ nullable: true, type: Date, description: 'last request with this key, to within about a second' }) lastUsedAt!: Date | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) revokedAt!: Date | null;
}

export class CreatedServiceKeyResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: [String], enum: SCOPES }) scopes!: string[];
  @ApiProperty({ description: 'the service key (hrs_...); shown only in this response' }) key!: string;
  @ApiProperty() prefix!: string;
  @ApiProperty() createdAt!: Date;
}

export class ServiceKeyPage {
  @ApiProperty({ type: [ServiceKeyResponse] }) data!: ServiceKeyResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
