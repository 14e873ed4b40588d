/** Why an attempt got no HTTP response. */
export type AttemptErrorKind = 'timeout' | 'connection_refused' | 'dns' | 'tls' | 'reset' | 'network' | 'blocked';

export type AttemptResult =
  | { kind: 'response'; status: number; body: string; retryAfterMs: number | null; durationMs: number }
  | { kind: 'error'; errorKind: AttemptErrorKind; message: string; durationMs: number };
