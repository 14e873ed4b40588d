/** Receivers that echo the request (httpbin-style) would put our signatures and custom header
 * values into the delivery log; those strings are blanked out of the stored response body. */
export function redactEcho(body: string, sensitive: readonly string[]): string {
  let out = body;
  for (const s of sensitive) if (s.length >= 8 && out.includes(s)) out = out.split(s).join('[redacted]');
  return out;
}

/** What must not be stored from a webhook's own headers: each signature (and its base64 alone,
 * as JSON escaping can change the `v1,` prefix's surroundings) and each custom header value. */
export function sensitiveOutgoing(signatureHeader: string, customHeaders: Record<string, string>): string[] {
  const sigs = signatureHeader.split(' ').flatMap((e) => [e, e.slice(e.indexOf(',') + 1), e.slice(e.indexOf(',') + 1).replace(/\//g, '\\/')]);
  return [...sigs, ...Object.values(customHeaders)];
}
