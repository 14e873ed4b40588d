import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsEmail, IsString, MaxLength } from 'class-validator';

export const MAX_ALERT_EMAILS = 20;

/** `alertEmails`: a list of addresses, validated the same on every route that sets it. */
export const AlertEmailsProperty = () =>
  applyDecorators(
    ApiPropertyOptional({ type: [String], maxItems: MAX_ALERT_EMAILS, example: ['ops@example.com'], description: 'where failing, disabled and recovered endpoint alerts are emailed (when SMTP_URL is set); [] for none' }),
    // Surrounding spaces are not part of an address.
    Transform(({ value }: { value: unknown }) => (Array.isArray(value) ? value.map((v: unknown) => (typeof v === 'string' ? v.trim() : v)) : value)),
    IsArray({ message: 'alertEmails must be an array of email addresses' }),
    ArrayMaxSize(MAX_ALERT_EMAILS, { message: `alertEmails may hold at most ${MAX_ALERT_EMAILS} addresses` }),
    IsString({ each: true, message: 'alertEmails entries must be strings' }),
    MaxLength(254, { each: true, message: 'alertEmails entries must be at most 254 characters' }),
    IsEmail({}, { each: true, message: 'alertEmails entries must be email addresses (name@example.com)' }),
  );
