import { randomBytes } from 'node:crypto';
import { checkPrintableSecret, hmac, noOptions, type SignatureScheme } from './signature-scheme.js';

export type LineOptions = { scheme: 'line' };

/** The LINE platform's `X-Line-Signature: <base64>`: HMAC-SHA256 of the body keyed with the channel
 * secret's UTF-8 bytes. One signature, so only the newest secret signs. */
export const line: SignatureScheme<LineOptions> = {
  name: 'line',
  parse: noOptions('line'),
  headerNames: () => ['x-line-signature'],
  // A LINE channel secret is 32 hex digits.
  generateSecret: () => randomBytes(16).toString('hex'),
  checkSecret: checkPrintableSecret,
  sign(_options, { secrets, body }) {
    const mac = hmac('sha256', secrets[0]!, body, 'base64');
    return { headers: { 'x-line-signature': mac }, signatures: [mac] };
  },
};
