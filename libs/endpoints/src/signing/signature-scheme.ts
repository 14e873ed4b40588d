import { createHmac } from 'node:crypto';
import { ValidationFailedError } from '#libs/common';

export type SchemeName = 'standard-webhooks' | 'github' | 'stripe' | 'line' | 'hmac';

/** What a webhook is signed over; each scheme picks the parts it signs. */
export interface SigningInput {
  /** Live secrets, newest first (more than one during a rotation's grace period). */
  secrets: readonly string[];
  /** `webhook-id`: the event id, or the batch id for a batch. */
  webhookId: string;
  /** `webhook-timestamp`: Unix seconds. */
  timestamp: number;
  body: string;
}

export interface Signed {
  /** Header name (lower case) to value. */
  headers: Record<string, string>;
  /** The encoded MACs on their own, so that a receiver echoing them back can be redacted. */
  signatures: string[];
}

/** One signature scheme: its options, the secrets that suit it, the headers it sets, how it signs.
 * The endpoint's stored options pick the scheme; nothing else branches on its name. */
export interface SignatureScheme<O extends { scheme: SchemeName } = { scheme: SchemeName }> {
  readonly name: O['scheme'];
  /** Checks and normalises this scheme's options (`raw` without `scheme`); a ValidationFailedError names the field. */
  parse(raw: Record<string, unknown>): O;
  /** Header names (lower case) the scheme sets with these options, reserved from custom headers. */
  headerNames(options: O): string[];
  /** A new secret in the form the scheme's receivers expect. */
  generateSecret(): string;
  /** Throws a ValidationFailedError when a tenant-supplied secret cannot sign for this scheme. */
  checkSecret(secret: string): void;
  sign(options: O, input: SigningInput): Signed;
}

export const MIN_SECRET_LENGTH = 16;
export const MAX_SECRET_LENGTH = 256;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Every supplied secret: 16 to 256 printable ASCII characters (a LINE channel secret, a FastComments API secret, ...). */
export function checkPrintableSecret(secret: unknown): asserts secret is string {
  if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH || secret.length > MAX_SECRET_LENGTH || !PRINTABLE_ASCII.test(secret)) {
    throw new ValidationFailedError(`secret must be ${MIN_SECRET_LENGTH} to ${MAX_SECRET_LENGTH} printable ASCII characters`, { field: 'secret' });
  }
}

export function hmac(algorithm: 'sha256' | 'sha512', key: string | Buffer, message: string, encoding: 'hex' | 'base64'): string {
  return createHmac(algorithm, key).update(message, 'utf8').digest(encoding);
}

/** A scheme whose options object holds nothing but `scheme`. */
export function noOptions<N extends SchemeName>(name: N): (raw: Record<string, unknown>) => { scheme: N } {
  return (raw) => {
    const extra = Object.keys(raw);
    if (extra.length > 0) throw new ValidationFailedError(`signature.${extra[0]} is not an option of the ${name} scheme, which has none`, { field: `signature.${extra[0]}` });
    return { scheme: name };
  };
}
