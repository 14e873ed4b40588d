import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { AlertEmailsProperty } from '../../common/alert-emails.js';

export class CreateTenantDto {
  @ApiProperty({ example: 'Acme Inc.' })
  @IsString({ message: 'name must be a string' })
  @Length(1, 200, { message: 'name must be 1 to 200 characters' })
  @Matches(/^[^\u0000-\u001f\u007f]*$/, { message: 'name must not contain control characters' })
  name!: string;

  @IsOptional()
  @AlertEmailsProperty()
  alertEmails?: string[];
}

export class UpdateTenantDto {
  @ApiPropertyOptional({ example: 'Acme Inc.' })
  @IsOptional()
  @IsString({ message: 'name must be a string' })
  @Length(1, 200, { message: 'name must be 1 to 200 characters' })
  @Matches(/^[^\u0000-\u001f\u007f]*$/, { message: 'name must not contain control characters' })
  name?: string;

  @IsOptional()
  @AlertEmailsProperty()
  alertEmails?: string[];
}

export class UpdatedTenantResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: [String] }) alertEmails!: string[];
  @ApiProperty() createdAt!: Date;
}

export class TenantResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() createdAt!: Date;
}

export class CreatedTenantResponse extends TenantResponse {
  @ApiProperty({ type: [String] }) alertEmails!: string[];
  @ApiProperty({ description: 'The tenant API key (whk_...). Shown only in this response.' }) apiKey!: string;
}

export class TenantPage {
  @ApiProperty({ type: [TenantResponse] }) data!: TenantResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
