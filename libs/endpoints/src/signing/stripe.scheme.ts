import { randomBytes } from 'node:crypto';
import { checkPrintableSecret, hmac, noOptions, type SignatureScheme } from './signature-scheme.js';

export type StripeOptions = { scheme: 'stripe' };

/** Stripe's `Stripe-Signature: t=<ts>,v1=<hex>`: HMAC-SHA256 over `{ts}.{body}` keyed with the
 * whole secret string (`whsec_` included), a `v1` per live secret, as Stripe does during a roll. */
export const stripe: SignatureScheme<StripeOptions> = {
  name: 'stripe',
  parse: noOptions('stripe'),
  headerNames: () => ['stripe-signature'],
  generateSecret: () => 'whsec_' + randomBytes(24).toString('hex'),
  checkSecret: checkPrintableSecret,
  sign(_options, { secrets, timestamp, body }) {
    const signatures = secrets.map((s) => hmac('sha256', s, `${timestamp}.${body}`, 'hex'));
    return { headers: { 'stripe-signature': [`t=${timestamp}`, ...signatures.map((s) => `v1=${s}`)].join(',') }, signatures };
  },
};
