import { ValidationFailedError } from '#libs/common';

export const MAX_CUSTOM_HEADERS = 20;
export const MAX_HEADER_VALUE_LENGTH = 1000;

export const HEADER_NAME_RE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
const RESERVED = new Set(['host', 'content-type', 'content-length', 'user-agent', 'connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'keep-alive', 'proxy-authorization', 'proxy-connection', 'expect']);

/** Headers the platform sets itself on every webhook (or, for webhook-signature, by default); no
 * signature scheme may put its signature in one of them. */
const PLATFORM_SET = new Set([...RESERVED, 'webhook-id', 'webhook-timestamp', 'webhook-signature', 'x-webhook-event', 'x-webhook-delivery']);

export function isPlatformSetHeader(name: string): boolean {
  return PLATFORM_SET.has(name.toLowerCase());
}

/** Headers the platform owns on every webhook, whatever the signature scheme: the transport's and
 * the `webhook-*` / `x-webhook-*` families. */
export function isReservedHeader(name: string): boolean {
  const n = name.toLowerCase();
  return RESERVED.has(n) || n.startsWith('webhook-') || n.startsWith('x-webhook-');
}

/** Custom headers as stored: names lower-cased; reserved names (the platform's, and `signatureHeaders`:
 * every scheme's), bad tokens, CR/LF/NUL refused with a 400. */
export function checkCustomHeaders(headers: unknown, signatureHeaders: ReadonlySet<string> = new Set()): Record<string, string> {
  if (headers === null || typeof headers !== 'object' || Array.isArray(headers)) throw new ValidationFailedError('headers must be an object of header name to string value');
  const entries = Object.entries(headers as Record<string, unknown>);
  if (entries.length > MAX_CUSTOM_HEADERS) throw new ValidationFailedError(`headers may hold at most ${MAX_CUSTOM_HEADERS} entries`);
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, value] of entries) {
    if (!HEADER_NAME_RE.test(name)) throw new ValidationFailedError(`headers: ${JSON.stringify(name.slice(0, 100))} is not a valid header name`, { field: 'headers' });
    if (isReservedHeader(name)) {
      throw new ValidationFailedError(`headers: ${name} is reserved (host, content-type, content-length, user-agent, connection headers, webhook-* and x-webhook-* are set by the platform)`, { field: 'headers' });
    }
    if (signatureHeaders.has(name.toLowerCase())) {
      throw new ValidationFailedError(`headers: ${name} is reserved for signatures (${[...signatureHeaders].join(', ')})`, { field: 'headers' });
    }
    if (typeof value !== 'string') throw new ValidationFailedError(`headers: the value of ${name} must be a string`, { field: 'headers' });
    if (value.length > MAX_HEADER_VALUE_LENGTH) throw new ValidationFailedError(`headers: the value of ${name} must be at most ${MAX_HEADER_VALUE_LENGTH} characters`, { field: 'headers' });
    if (/[\r\n\0]/.test(value)) throw new ValidationFailedError(`headers: the value of ${name} must not contain CR, LF or NUL`, { field: 'headers' });
    if (!/^[\t\x20-\x7e]*$/.test(value)) throw new ValidationFailedError(`headers: the value of ${name} may hold only visible ASCII, spaces and tabs`, { field: 'headers' });
    const key = name.toLowerCase();
    if (key in out) throw new ValidationFailedError(`headers: ${name} is given twice`, { field: 'headers' });
    out[key] = value;
  }
  return { ...out };
}
