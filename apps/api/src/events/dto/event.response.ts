import { ApiProperty } from '@nestjs/swagger';

export class EventResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'order.completed' }) type!: string;
  @ApiProperty({ nullable: true, type: String, description: 'the idempotency key it was dispatched with, if any' }) idempotencyKey!: string | null;
  @ApiProperty() createdAt!: Date;
  @ApiProperty({ nullable: true, type: Date, description: 'when the event was expunged (POST /v1/events/{id}/expunge): its data and its attempts\' response bodies are gone' }) expungedAt!: Date | null;
}

export class EventPage {
  @ApiProperty({ type: [EventResponse], description: 'newest first; without data (read one event for it)' }) data!: EventResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class EventDeliveryResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) endpointId!: string;
  @ApiProperty({ enum: ['pending', 'succeeded', 'failed'] }) status!: string;
  @ApiProperty() attemptCount!: number;
}

export class EventWithDeliveriesResponse extends EventResponse {
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, example: { orderId: 'o_123', total: 4200 }, description: 'the data as dispatched; null once the event was expunged' }) data!: Record<string, unknown> | null;
  @ApiProperty({ type: [EventDeliveryResponse], description: 'one per endpoint it was fanned out to, oldest first, at most 1,000 (empty until a large fan-out has run)' }) deliveries!: EventDeliveryResponse[];
  @ApiProperty({ description: 'true when the event has more than 1,000 deliveries: page through them with GET /v1/deliveries?eventId=' }) moreDeliveries!: boolean;
}
