import { ValidationFailedError } from '#libs/common';
import { github, type GithubOptions } from './github.scheme.js';
import { hmacScheme, type HmacOptions } from './hmac.scheme.js';
import { line, type LineOptions } from './line.scheme.js';
import type { SchemeName, SignatureScheme, Signed, SigningInput } from './signature-scheme.js';
import { standardWebhooks, type StandardWebhooksOptions } from './standard-webhooks.scheme.js';
import { stripe, type StripeOptions } from './stripe.scheme.js';

/** An endpoint's signature settings as stored and shown (never the secret). */
export type SignatureOptions = StandardWebhooksOptions | GithubOptions | StripeOptions | LineOptions | HmacOptions;

export const DEFAULT_SIGNATURE: SignatureOptions = { scheme: 'standard-webhooks' };

const SCHEMES: { readonly [N in SchemeName]: SignatureScheme<Extract<SignatureOptions, { scheme: N }>> } = {
  'standard-webhooks': standardWebhooks,
  github,
  stripe,
  line,
  hmac: hmacScheme,
};

export const SCHEME_NAMES = Object.keys(SCHEMES) as SchemeName[];

export function schemeOf(options: SignatureOptions): SignatureScheme {
  return SCHEMES[options.scheme] as SignatureScheme;
}

/** `signature` as a tenant sends it, checked and normalised; a ValidationFailedError says what is wrong. */
export function parseSignatureOptions(raw: unknown): SignatureOptions {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ValidationFailedError('signature must be an object such as {"scheme": "github"}', { field: 'signature' });
  const { scheme, ...rest } = raw as Record<string, unknown>;
  if (typeof scheme !== 'string' || !(scheme in SCHEMES)) {
    throw new ValidationFailedError(`signature.scheme must be one of ${SCHEME_NAMES.join(', ')}`, { field: 'signature.scheme' });
  }
  return SCHEMES[scheme as SchemeName].parse(rest);
}

/** Signs with the endpoint's scheme: every live secret where the scheme carries several
 * signatures, the newest only where it carries one. */
export function signWebhook(options: SignatureOptions, input: SigningInput): Signed {
  return schemeOf(options).sign(options, input);
}

/** Names custom headers may not take on an endpoint with these options: every scheme's fixed
 * signature headers, and this endpoint's own (an hmac header and timestamp header). */
export function signatureHeaderNames(options: SignatureOptions): Set<string> {
  const fixed = [standardWebhooks, github, stripe, line].flatMap((s) => s.headerNames({ scheme: s.name } as never));
  return new Set([...fixed, ...schemeOf(options).headerNames(options)]);
}
