import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class EndpointResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() url!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ type: [String] }) eventTypes!: string[];
  @ApiProperty({ enum: ['active', 'disabled'] }) status!: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) headers!: Record<string, string>;
  @ApiPropertyOptional({ nullable: true, type: Number }) rateLimitPerSecond!: number | null;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}

export class CreatedEndpointResponse extends EndpointResponse {
  @ApiProperty({ description: 'Signing secret (whsec_...). Shown only in this response.' }) secret!: string;
}

export class EndpointPage {
  @ApiProperty({ type: [EndpointResponse] }) data!: EndpointResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
