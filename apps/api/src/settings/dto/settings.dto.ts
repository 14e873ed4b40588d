import { ApiProperty } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { AlertEmailsProperty } from '../../common/alert-emails.js';

export class UpdateSettingsDto {
  @IsOptional()
  @AlertEmailsProperty()
  alertEmails?: string[];
}

export class SettingsResponse {
  @ApiProperty({ type: [String], example: ['ops@example.com'], description: 'where failing, disabled and recovered endpoint alerts are emailed' }) alertEmails!: string[];
}
