import { randomBytes } from 'node:crypto';
import { ValidationFailedError } from '#libs/common';
import { checkPrintableSecret, hmac, noOptions, type SignatureScheme } from './signature-scheme.js';

export const WHSEC_PREFIX = 'whsec_';
const MIN_KEY_BYTES = 24;
const MAX_KEY_BYTES = 64;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export type StandardWebhooksOptions = { scheme: 'standard-webhooks' };

/** The key is the base64 after `whsec_` (as the Standard Webhooks libraries read it). */
function keyOf(secret: string): Buffer {
  return Buffer.from(secret.startsWith(WHSEC_PREFIX) ? secret.slice(WHSEC_PREFIX.length) : secret, 'base64');
}

/** `webhook-signature: v1,<base64>`, HMAC-SHA256 over `{webhook-id}.{timestamp}.{body}`, one
 * space-separated entry per live secret, so receivers keep verifying through a rotation. */
export const standardWebhooks: SignatureScheme<StandardWebhooksOptions> = {
  name: 'standard-webhooks',
  parse: noOptions('standard-webhooks'),
  headerNames: () => ['webhook-signature'],
  generateSecret: () => WHSEC_PREFIX + randomBytes(32).toString('base64'),
  checkSecret(secret) {
    checkPrintableSecret(secret);
    const b64 = secret.slice(WHSEC_PREFIX.length);
    const bytes = Buffer.from(b64, 'base64').length;
    if (!secret.startsWith(WHSEC_PREFIX) || !BASE64.test(b64) || bytes < MIN_KEY_BYTES || bytes > MAX_KEY_BYTES) {
      throw new ValidationFailedError(`secret for the standard-webhooks scheme must be ${WHSEC_PREFIX} followed by the base64 of ${MIN_KEY_BYTES} to ${MAX_KEY_BYTES} random bytes`, { field: 'secret' });
    }
  },
  sign(_options, { secrets, webhookId, timestamp, body }) {
    const signatures = secrets.map((s) => hmac('sha256', keyOf(s), `${webhookId}.${timestamp}.${body}`, 'base64'));
    return { headers: { 'webhook-signature': signatures.map((s) => `v1,${s}`).join(' ') }, signatures };
  },
};
