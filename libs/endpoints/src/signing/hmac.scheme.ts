import { randomBytes } from 'node:crypto';
import { ValidationFailedError } from '#libs/common';
import { HEADER_NAME_RE, isPlatformSetHeader } from '../header-policy.js';
import { checkPrintableSecret, hmac as mac, type SignatureScheme } from './signature-scheme.js';

export const HMAC_ENCODINGS = ['hex', 'base64'] as const;
export const HMAC_ALGORITHMS = ['sha256', 'sha512'] as const;
export const HMAC_CONTENTS = ['body', 'timestamp.body', 'id.timestamp.body'] as const;
export const MAX_PREFIX_LENGTH = 64;

export interface HmacOptions {
  scheme: 'hmac';
  /** Header that carries the signature (lower case). */
  header: string;
  /** Written before the encoded MAC, e.g. `sha256=`; empty for none. */
  prefix: string;
  encoding: (typeof HMAC_ENCODINGS)[number];
  algorithm: (typeof HMAC_ALGORITHMS)[number];
  /** What is signed: the body, `{timestamp}.{body}` or `{webhook-id}.{timestamp}.{body}`. */
  content: (typeof HMAC_CONTENTS)[number];
  /** Header that carries the Unix timestamp (lower case); required when the content includes it. */
  timestampHeader: string | null;
}

const OPTIONS = ['header', 'prefix', 'encoding', 'algorithm', 'content', 'timestampHeader'];

function oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ValidationFailedError(`signature.${field} must be one of ${allowed.join(', ')}`, { field: `signature.${field}` });
  }
  return value as T;
}

/** A header the signature or timestamp can travel in: a valid name that the platform does not set itself. */
function headerName(field: string, value: unknown): string {
  if (typeof value !== 'string' || !HEADER_NAME_RE.test(value)) {
    throw new ValidationFailedError(`signature.${field} must be a valid header name (letters, digits and !#$%&'*+.^_\`|~-)`, { field: `signature.${field}` });
  }
  // Any other name is free, x-webhook-signature (the seed-002 receivers' header) included.
  if (isPlatformSetHeader(value)) {
    throw new ValidationFailedError(`signature.${field}: ${value} is set by the platform on every webhook; choose another header`, { field: `signature.${field}` });
  }
  return value.toLowerCase();
}

/** Any receiver's own HMAC format: which header, what prefix, hex or base64, SHA-256 or SHA-512,
 * over what. One signature, so only the newest secret signs. */
export const hmacScheme: SignatureScheme<HmacOptions> = {
  name: 'hmac',
  parse(raw) {
    const unknown = Object.keys(raw).find((k) => !OPTIONS.includes(k));
    if (unknown) throw new ValidationFailedError(`signature.${unknown} is not an option of the hmac scheme (${OPTIONS.join(', ')})`, { field: `signature.${unknown}` });
    if (raw.header === undefined || raw.header === null) throw new ValidationFailedError('signature.header is required for the hmac scheme: the header that carries the signature', { field: 'signature.header' });
    const header = headerName('header', raw.header);
    const prefix = raw.prefix ?? '';
    if (typeof prefix !== 'string' || prefix.length > MAX_PREFIX_LENGTH || !/^[\x21-\x7e]*$/.test(prefix)) {
      throw new ValidationFailedError(`signature.prefix must be at most ${MAX_PREFIX_LENGTH} visible ASCII characters`, { field: 'signature.prefix' });
    }
    const encoding = oneOf('encoding', raw.encoding, HMAC_ENCODINGS, 'hex');
    const algorithm = oneOf('algorithm', raw.algorithm, HMAC_ALGORITHMS, 'sha256');
    const content = oneOf('content', raw.content, HMAC_CONTENTS, 'body');
    let timestampHeader: string | null = null;
    if (raw.timestampHeader !== undefined && raw.timestampHeader !== null) {
      timestampHeader = headerName('timestampHeader', raw.timestampHeader);
      if (timestampHeader === header) throw new ValidationFailedError('signature.timestampHeader must differ from signature.header', { field: 'signature.timestampHeader' });
    } else if (content !== 'body') {
      throw new ValidationFailedError(`signature.timestampHeader is required when signature.content is ${content}: the header that carries the signed timestamp`, { field: 'signature.timestampHeader' });
    }
    return { scheme: 'hmac', header, prefix, encoding, algorithm, content, timestampHeader };
  },
  headerNames: (o) => (o.timestampHeader ? [o.header, o.timestampHeader] : [o.header]),
  generateSecret: () => randomBytes(32).toString('hex'),
  checkSecret: checkPrintableSecret,
  sign(o, { secrets, webhookId, timestamp, body }) {
    const message = o.content === 'body' ? body : o.content === 'timestamp.body' ? `${timestamp}.${body}` : `${webhookId}.${timestamp}.${body}`;
    const signature = mac(o.algorithm, secrets[0]!, message, o.encoding);
    const headers: Record<string, string> = { [o.header]: o.prefix + signature };
    if (o.timestampHeader) headers[o.timestampHeader] = String(timestamp);
    return { headers, signatures: [signature] };
  },
};
