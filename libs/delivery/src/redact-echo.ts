/** Shorter strings are not redacted: they would blank common words of a body. */
const MIN_REDACTED = 8;

/** Receivers that echo the request (httpbin-style) would put our signatures and custom header
 * values into the delivery log; those strings are blanked out of the stored response body. */
export function redactEcho(body: string, sensitive: () => readonly string[]): string {
  // Nothing shorter than the shortest string redacted can hold one (most bodies: "ok", "{}"), and
  // listing them costs more than the rest of this.
  if (body.length < MIN_REDACTED) return body;
  let out = body;
  for (const s of sensitive()) if (s.length >= MIN_REDACTED && out.includes(s)) out = out.split(s).join('[redacted]');
  return out;
}

/** What must not be stored from a webhook's own headers: each signature header's value, each MAC on
 * its own (and with `/` JSON-escaped, as an echo may write base64) and each custom header value. */
export function sensitiveOutgoing(signed: { headers: Record<string, string>; signatures: readonly string[] }, customHeaders: Record<string, string>): string[] {
  const macs = signed.signatures.flatMap((s) => [s, s.replace(/\//g, '\\/')]);
  // The headers that carry a signature (not, say, an hmac scheme's timestamp header).
  const carriers = Object.values(signed.headers).filter((v) => signed.signatures.some((s) => v.includes(s)));
  // Longest first: a header value is blanked whole before the MACs inside it.
  return [...carriers, ...macs, ...Object.values(customHeaders)].sort((a, b) => b.length - a.length);
}
