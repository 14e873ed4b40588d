import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class AttemptResponse {
  @ApiProperty() attemptNumber!: number;
  @ApiProperty() startedAt!: Date;
  @ApiProperty() durationMs!: number;
  @ApiPropertyOptional({ nullable: true, type: Number }) responseStatus!: number | null;
  @ApiPropertyOptional({ nullable: true, enum: ['timeout', 'connection_refused', 'dns', 'tls', 'reset', 'network', 'blocked'] }) errorKind!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) errorMessage!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'first 4 KiB' }) responseBody!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'the batch whose request carried this attempt (its webhook-id); null when the delivery went alone' }) batchId!: string | null;
}

export class DeliveryResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty({ format: 'uuid' }) endpointId!: string;
  @ApiProperty() eventType!: string;
  @ApiProperty({ enum: ['pending', 'succeeded', 'failed'] }) status!: string;
  @ApiProperty() attemptCount!: number;
  @ApiPropertyOptional({ nullable: true, type: Date }) nextAttemptAt!: Date | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) lastStatusCode!: number | null;
  @ApiPropertyOptional({ nullable: true, type: String }) lastError!: string | null;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
  @ApiPropertyOptional({ nullable: true, type: Date }) completedAt!: Date | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'the batch that will send this pending delivery (endpoints with batch set); null otherwise: a finished delivery has left its batch, and each attempt names the batch it was sent in' }) batchId!: string | null;
}

export class DeliveryWithAttemptsResponse extends DeliveryResponse {
  @ApiProperty({ type: [AttemptResponse] }) attempts!: AttemptResponse[];
}

export class DeliveryPage {
  @ApiProperty({ type: [DeliveryResponse] }) data!: DeliveryResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
