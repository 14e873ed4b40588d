import { applyDecorators, Injectable, type PipeTransform } from '@nestjs/common';
import { ValidationFailedError } from '#libs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches, ValidateIf } from 'class-validator';
import { EXTERNAL_ID_RE } from '#libs/tenants';
import { AlertEmailsProperty } from '../../common/alert-emails.js';
import { PageQueryDto } from '../../common/pagination.js';

const EXTERNAL_ID_RULE = 'externalId must be 1 to 255 visible ASCII characters (no spaces or control characters)';

const TenantName = () =>
  applyDecorators(
    IsString({ message: 'name must be a string' }),
    Length(1, 200, { message: 'name must be 1 to 200 characters' }),
    Matches(/^[^\u0000-\u001f\u007f]*$/, { message: 'name must not contain control characters' }),
  );

const ExternalId = () => applyDecorators(IsString({ message: EXTERNAL_ID_RULE }), Matches(EXTERNAL_ID_RE, { message: EXTERNAL_ID_RULE }));

const EXTERNAL_ID_DOC = { example: 'cus_8311', maxLength: 255, description: 'your own id for the tenant, unique: 1 to 255 visible ASCII characters. Find the tenant by it with PUT /v1/admin/tenants/by-external-id/{externalId}, GET /v1/admin/tenants?externalId= or the header Hookrelay-Tenant: ext:<externalId>' };

export class CreateTenantDto {
  @ApiProperty({ example: 'Acme Inc.' })
  @TenantName()
  name!: string;

  @IsOptional()
  @AlertEmailsProperty()
  alertEmails?: string[];

  @ApiPropertyOptional(EXTERNAL_ID_DOC)
  @IsOptional()
  @ExternalId()
  externalId?: string;
}

/** Present (null included, which the rules then refuse): IsOptional would let null through to the update. */
const present = ValidateIf((_: unknown, v: unknown) => v !== undefined);

export class UpdateTenantDto {
  @ApiPropertyOptional({ example: 'Acme Inc.' })
  @present
  @TenantName()
  name?: string;

  @present
  @AlertEmailsProperty()
  alertEmails?: string[];

  @ApiPropertyOptional({ ...EXTERNAL_ID_DOC, nullable: true, type: String, description: `${EXTERNAL_ID_DOC.description}; null removes it` })
  @ValidateIf((_, v) => v !== undefined && v !== null)
  @ExternalId()
  externalId?: string | null;
}

export class PutTenantByExternalIdDto {
  @ApiProperty({ example: 'Acme Inc.', description: 'the name of a tenant created by this call; an existing tenant keeps its name' })
  @TenantName()
  name!: string;
}

export class ListTenantsQuery extends PageQueryDto {
  @ApiPropertyOptional({ description: 'only the tenant with this external id' })
  @IsOptional()
  @ExternalId()
  externalId?: string;
}

/** The {externalId} path parameter, held to the same rule as the field. */
@Injectable()
export class ExternalIdParamPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!EXTERNAL_ID_RE.test(value)) throw new ValidationFailedError(EXTERNAL_ID_RULE.replace('externalId', 'the externalId in the path'));
    return value;
  }
}

export class TenantResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) externalId!: string | null;
  @ApiProperty({ type: [String] }) alertEmails!: string[];
  @ApiProperty() createdAt!: Date;
}

export class UpdatedTenantResponse extends TenantResponse {}

export class CreatedTenantResponse extends TenantResponse {
  @ApiProperty({ description: 'The tenant API key (whk_...). Shown only in this response.' }) apiKey!: string;
}

export class TenantPage {
  @ApiProperty({ type: [TenantResponse] }) data!: TenantResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
