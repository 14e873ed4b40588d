import { ValidationFailedError } from '#libs/common';

export const MAX_URL_LENGTH = 2048;

export interface UrlPolicyOptions {
  allowInsecure: boolean;
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
  return url.toString();
}
