import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PAYLOAD_FORMATS } from '#libs/endpoints';
import { BATCH_DESCRIPTION, BatchOptionsDoc, PAYLOAD_DESCRIPTION, SIGNATURE_DESCRIPTION, SignatureOptionsDoc, TIMEOUT_DESCRIPTION } from './delivery-options.dto.js';

export class EndpointHealthResponse {
  @ApiProperty({ nullable: true, type: Date, description: 'when a delivery last succeeded' }) lastSuccessAt!: Date | null;
  @ApiProperty({ nullable: true, type: Date, description: 'when an attempt last failed (retried or final)' }) lastFailureAt!: Date | null;
  @ApiProperty({ nullable: true, type: Date, description: 'when the first failed delivery of the current streak failed; null when healthy' }) failingSince!: Date | null;
  @ApiProperty({ description: 'deliveries (not attempts) that ended failed since the last success' }) consecutiveFailures!: number;
}

export class EndpointResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() url!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ type: [String] }) eventTypes!: string[];
  @ApiProperty({ enum: ['active', 'disabled'] }) status!: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) headers!: Record<string, string>;
  @ApiPropertyOptional({ nullable: true, type: Number }) rateLimitPerSecond!: number | null;
  @ApiProperty({ type: SignatureOptionsDoc, description: `${SIGNATURE_DESCRIPTION}; hmac shows every option, defaults filled in and header names lower-cased` }) signature!: SignatureOptionsDoc;
  @ApiProperty({ enum: PAYLOAD_FORMATS, description: PAYLOAD_DESCRIPTION }) payload!: string;
  @ApiProperty({ type: BatchOptionsDoc, nullable: true, description: BATCH_DESCRIPTION }) batch!: BatchOptionsDoc | null;
  @ApiProperty({ type: Number, nullable: true, description: TIMEOUT_DESCRIPTION }) timeoutMs!: number | null;
  @ApiProperty({ nullable: true, type: String, example: 'failing since 2026-12-01T00:00:00.000Z: HTTP 503', description: 'why the platform disabled it (ENDPOINT_DISABLE_AFTER_HOURS); null otherwise' }) disabledReason!: string | null;
  @ApiProperty({ nullable: true, type: Date, description: 'when the platform disabled it (not set when disabled by hand); cleared when re-enabled' }) disabledAt!: Date | null;
  @ApiProperty({ type: EndpointHealthResponse, description: 'kept from recorded attempts, in batches (a second or so behind)' }) health!: EndpointHealthResponse;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}

export class CreatedEndpointResponse extends EndpointResponse {
  @ApiProperty({ description: 'Signing secret (whsec_... for standard-webhooks; the one you supplied, or one generated to suit the scheme). Shown only in this response.' }) secret!: string;
}

export class EndpointPage {
  @ApiProperty({ type: [EndpointResponse] }) data!: EndpointResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
