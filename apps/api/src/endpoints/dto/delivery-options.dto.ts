import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { BATCH_MAX_EVENTS, BATCH_MAX_WAIT_MS, BATCH_MIN_EVENTS, DEFAULT_BATCH_WAIT_MS, HMAC_ALGORITHMS, HMAC_CONTENTS, HMAC_ENCODINGS, PAYLOAD_FORMATS, SCHEME_NAMES } from '#libs/endpoints';

/** OpenAPI shape of `signature`; the options are checked in libs/endpoints (they depend on the scheme). */
export class SignatureOptionsDoc {
  @ApiProperty({
    enum: SCHEME_NAMES,
    default: 'standard-webhooks',
    description:
      'standard-webhooks: webhook-signature v1,<base64> over {webhook-id}.{timestamp}.{body}; github: X-Hub-Signature-256 sha256=<hex> of the body; ' +
      'stripe: Stripe-Signature t=<ts>,v1=<hex> over {ts}.{body}; line: X-Line-Signature <base64> of the body; hmac: your own header and format (the options below, hmac only)',
  })
  scheme!: string;

  @ApiPropertyOptional({ example: 'X-Webhook-Signature', description: 'hmac (required): the header that carries the signature' })
  header?: string;

  @ApiPropertyOptional({ example: 'sha256=', default: '', description: 'hmac: written before the encoded signature' })
  prefix?: string;

  @ApiPropertyOptional({ enum: HMAC_ENCODINGS, default: 'hex', description: 'hmac' })
  encoding?: string;

  @ApiPropertyOptional({ enum: HMAC_ALGORITHMS, default: 'sha256', description: 'hmac: HMAC-SHA256 or HMAC-SHA512' })
  algorithm?: string;

  @ApiPropertyOptional({ enum: HMAC_CONTENTS, default: 'body', description: 'hmac: what is signed, with parts joined by "."' })
  content?: string;

  @ApiPropertyOptional({ nullable: true, type: String, example: 'X-FastComments-Timestamp', description: 'hmac: the header that carries the Unix timestamp; required when content includes the timestamp' })
  timestampHeader?: string | null;
}

export class BatchOptionsDoc {
  @ApiProperty({ minimum: BATCH_MIN_EVENTS, maximum: BATCH_MAX_EVENTS, description: 'most deliveries in one request' })
  maxEvents!: number;

  @ApiProperty({ minimum: 0, maximum: BATCH_MAX_WAIT_MS, default: DEFAULT_BATCH_WAIT_MS, description: 'how long the oldest pending delivery may wait for the batch to fill before a partial batch is sent' })
  maxWaitMs!: number;
}

export const SIGNATURE_DESCRIPTION = 'how webhooks are signed (default {"scheme":"standard-webhooks"}); shown on reads, the secret never';
export const PAYLOAD_DESCRIPTION = `${PAYLOAD_FORMATS.join(' or ')}: envelope sends {id, type, timestamp, data}; data sends the dispatched data alone, byte for byte`;
export const BATCH_DESCRIPTION = 'send up to maxEvents pending deliveries in one request, body {"events": [...]} (each item as payload says), signed once; null: one delivery per request';
export const TIMEOUT_DESCRIPTION = 'budget of one attempt in ms, 100 to DELIVERY_TIMEOUT_MS; null: DELIVERY_TIMEOUT_MS';
