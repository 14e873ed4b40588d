import { ApiProperty } from '@nestjs/swagger';
import { ValidateIf } from 'class-validator';
import { AlertEmailsProperty } from '../../common/alert-emails.js';

export class UpdateSettingsDto {
  // Present (null included, which the rules then refuse): IsOptional would let null through.
  @ValidateIf((_: unknown, v: unknown) => v !== undefined)
  @AlertEmailsProperty()
  alertEmails?: string[];
}

export class SettingsResponse {
  @ApiProperty({ type: [String], example: ['ops@example.com'], description: 'where failing, disabled and recovered endpoint alerts are emailed' }) alertEmails!: string[];
}
