import { ValidationFailedError } from '#libs/common';

export const MAX_CUSTOM_HEADERS = 20;
export const MAX_HEADER_VALUE_LENGTH = 1000;

const TOKEN_RE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
const RESERVED = new Set(['host', 'content-type', 'content-length', 'user-agent', 'connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'keep-alive', 'proxy-authorization', 'proxy-connection', 'expect']);

export function isReservedHeader(name: string): boolean {
  const n = name.toLowerCase();
  return RESERVED.has(n) || n.startsWith('webhook-') || n.startsWith('x-webhook-');
}

/** Custom headers as stored: names lower-cased; reserved names, bad tokens, CR/LF/NUL refused with a 400. */
export function checkCustomHeaders(headers: unknown): Record<string, string> {
  if (headers === null || typeof headers !== 'object' || Array.isArray(headers)) throw new ValidationFailedError('headers must be an object of header name to string value');
  const entries = Object.entries(headers as Record<string, unknown>);
  if (entries.length > MAX_CUSTOM_HEADERS) throw new ValidationFailedError(`headers may hold at most ${MAX_CUSTOM_HEADERS} entries`);
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, value] of entries) {
    if (!TOKEN_RE.test(name)) throw new ValidationFailedError(`headers: ${JSON.stringify(name.slice(0, 100))} is not a valid header name`, { field: 'headers' });
    if (isReservedHeader(name)) {
      throw new ValidationFailedError(`headers: ${name} is reserved (host, content-type, content-length, user-agent, connection headers, webhook-* and x-webhook-* are set by the platform)`, { field: 'headers' });
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
