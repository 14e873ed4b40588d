import { randomBytes } from 'node:crypto';
import { checkPrintableSecret, hmac, noOptions, type SignatureScheme } from './signature-scheme.js';

export type GithubOptions = { scheme: 'github' };

/** GitHub's `X-Hub-Signature-256: sha256=<hex>`: HMAC-SHA256 of the body keyed with the secret's
 * UTF-8 bytes. One signature, so only the newest secret signs. */
export const github: SignatureScheme<GithubOptions> = {
  name: 'github',
  parse: noOptions('github'),
  headerNames: () => ['x-hub-signature-256'],
  generateSecret: () => randomBytes(32).toString('hex'),
  checkSecret: checkPrintableSecret,
  sign(_options, { secrets, body }) {
    const mac = hmac('sha256', secrets[0]!, body, 'hex');
    return { headers: { 'x-hub-signature-256': `sha256=${mac}` }, signatures: [mac] };
  },
};
