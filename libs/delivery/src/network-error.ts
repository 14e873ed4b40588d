import { errors } from 'undici';
import type { AttemptErrorKind } from './attempt-result.js';

/** Why an attempt ended when its budget (resolving, connecting, the request and the response) ran out. */
export class AttemptTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no complete response within ${timeoutMs} ms`);
    this.name = 'AttemptTimeoutError';
  }
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA']);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
const REFUSED_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH']);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'HOSTNAME_MISMATCH',
]);

/** Classifies a failed request by error class and system error code (never by message text). */
export function classifyNetworkError(err: unknown): AttemptErrorKind {
  if (err instanceof AttemptTimeoutError) return 'timeout';
  if (err instanceof errors.ConnectTimeoutError || err instanceof errors.HeadersTimeoutError || err instanceof errors.BodyTimeoutError) return 'timeout';
  for (let e: unknown = err, depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (code === 'ERR_BLOCKED_TARGET') return 'blocked';
      if (TIMEOUT_CODES.has(code)) return 'timeout';
      if (REFUSED_CODES.has(code)) return 'connection_refused';
      if (DNS_CODES.has(code)) return 'dns';
      if (TLS_CODES.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_')) return 'tls';
      if (RESET_CODES.has(code)) return 'reset';
    }
    if (e instanceof AttemptTimeoutError) return 'timeout';
    e = (e as { cause?: unknown }).cause;
  }
  if (err instanceof errors.SocketError) return 'reset';
  return 'network';
}
