import { ApiProperty } from '@nestjs/swagger';

export class RecoveryResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) endpointId!: string;
  @ApiProperty() since!: Date;
  @ApiProperty() until!: Date;
  @ApiProperty({ enum: ['running', 'completed', 'cancelled', 'failed'] }) status!: string;
  @ApiProperty({ nullable: true, type: Number, description: 'events to send again, counted when the recovery starts walking; null until then' }) total!: number | null;
  @ApiProperty({ description: 'deliveries created or reopened so far' }) enqueued!: number;
  @ApiProperty({ nullable: true, type: String, description: 'why it failed (its endpoint was disabled or deleted)' }) reason!: string | null;
  @ApiProperty() createdAt!: Date;
  @ApiProperty({ nullable: true, type: Date }) completedAt!: Date | null;
}

export class RecoveryPage {
  @ApiProperty({ type: [RecoveryResponse] }) data!: RecoveryResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
