import { ValidationFailedError } from '#libs/common';
import { isLocalName, TargetPolicy } from '#libs/security';

export const MAX_URL_LENGTH = 2048;

export interface UrlPolicyOptions {
  allowInsecure: boolean;
  /** Which addresses may be targeted; a literal address (in any spelling) is checked here, and
   * every resolved address again when the worker connects. */
  targets?: TargetPolicy;
}

/** Checks an endpoint URL at registration. Returns the normalised URL or throws a 400. */
export function checkEndpointUrl(raw: string, options: UrlPolicyOptions): string {
  if (raw.length > MAX_URL_LENGTH) throw new ValidationFailedError(`url must be at most ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ValidationFailedError('url must be an absolute URL such as https://example.com/webhooks');
  }
  if (url.protocol !== 'https:' && !(options.allowInsecure && url.protocol === 'http:')) {
    throw new ValidationFailedError(options.allowInsecure ? 'url must use http or https' : 'url must use https');
  }
  if (url.username || url.password) throw new ValidationFailedError('url must not contain credentials');
  if (url.hash) throw new ValidationFailedError('url must not contain a fragment');
  if (!url.hostname) throw new ValidationFailedError('url must have a host');
  checkHost(url.hostname, options.targets ?? TargetPolicy.denyAll);
  return url.toString();
}

/** The URL parser has already turned `0x7f000001`, `2130706433` and `017700000001` into 127.0.0.1. */
function checkHost(hostname: string, targets: TargetPolicy): void {
  const verdicts = isLocalName(hostname) ? [targets.checkText('127.0.0.1')!, targets.checkText('::1')!] : [targets.checkText(hostname)];
  for (const v of verdicts) {
    if (v && !v.allowed) {
      throw new ValidationFailedError(
        `url must point at a public address: ${hostname} is a ${v.kind} address (${v.address}), which webhooks may not reach`,
        { field: 'url', reason: 'blocked_target', addressClass: v.kind },
      );
    }
  }
}
