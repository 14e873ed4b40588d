// The signature checks of two receivers from the seeds (shared/seeds), ported so the tests verify
// webhooks the way those receivers do, quirks included.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Seed 002 (an Express receiver): `X-Webhook-Signature` must equal `sha256=` + the hex HMAC-SHA256
 * of the raw body, compared with timingSafeEqual (which throws on a length mismatch: the seed would
 * answer 500, here it is a failed check). */
export function seed002Verify(rawBody: Buffer, signature: string, secret: string): boolean {
  const expected = createHmac('sha256', secret).update(rawBody).digest('hex');
  try {
    return timingSafeEqual(Buffer.from(signature), Buffer.from(`sha256=${expected}`));
  } catch {
    return false;
  }
}

/** Seed 004 (FastComments, Node.js sample): both headers present, the timestamp within 5 minutes,
 * and `X-FastComments-Signature` equal to `sha256=` + the hex HMAC-SHA256 of `{timestamp}.{payload}`,
 * where the payload is the parsed body serialised again with JSON.stringify (so it verifies only
 * bodies that are compact JSON as JSON.stringify writes it). */
export function fastCommentsVerify(headers: IncomingHttpHeaders, rawBody: string, apiSecret: string, nowSeconds = Math.floor(Date.now() / 1000)): boolean {
  const timestamp = headers['x-fastcomments-timestamp'];
  const signature = headers['x-fastcomments-signature'];
  if (typeof timestamp !== 'string' || typeof signature !== 'string') return false;
  if (Math.abs(nowSeconds - parseInt(timestamp, 10)) > 300) return false;
  const payload = JSON.stringify(JSON.parse(rawBody));
  const expected = createHmac('sha256', apiSecret).update(`${timestamp}.${payload}`).digest('hex');
  return signature === `sha256=${expected}`;
}
