import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationFailedError } from '#libs/common';
import { TargetPolicy } from '#libs/security';
import { checkEndpointUrl, type UrlPolicyOptions } from './url-policy.js';

const strict: UrlPolicyOptions = { allowInsecure: false };
const insecure: UrlPolicyOptions = { allowInsecure: true };
const loopbackAllowed = new TargetPolicy({ allowedCidrs: ['127.0.0.0/8', '::1/128'], allowPrivate: false });

describe('checkEndpointUrl', () => {
  const accepted: Array<[string, UrlPolicyOptions, string]> = [
    ['https://example.com/hooks', strict, 'https://example.com/hooks'],
    ['https://EXAMPLE.com:8443/a?b=c', strict, 'https://example.com:8443/a?b=c'],
    ['https://example.com', strict, 'https://example.com/'],
    ['https://[::1]:9000/x', { allowInsecure: false, targets: loopbackAllowed }, 'https://[::1]:9000/x'],
    ['http://127.0.0.1:3000/x', { allowInsecure: true, targets: loopbackAllowed }, 'http://127.0.0.1:3000/x'],
    ['https://example.com/a b', strict, 'https://example.com/a%20b'],
  ];
  for (const [raw, opts, normalised] of accepted) {
    it(`accepts ${raw}${opts.allowInsecure ? ' (insecure allowed)' : ''}`, () => {
      assert.equal(checkEndpointUrl(raw, opts), normalised);
    });
  }

  const rejected: Array<[string, UrlPolicyOptions, RegExp]> = [
    ['http://example.com/hooks', strict, /^url must use https$/],
    ['ftp://example.com/', strict, /must use https/],
    ['ftp://example.com/', insecure, /must use http or https/],
    ['file:///etc/passwd', insecure, /must use http or https/],
    ['javascript:alert(1)', strict, /must use https/],
    ['example.com/hooks', strict, /absolute URL/],
    ['/relative', strict, /absolute URL/],
    ['', strict, /absolute URL/],
    ['https://', strict, /absolute URL/],
    ['https://exa mple.com/', strict, /absolute URL/],
    ['https://user:pass@example.com/', strict, /credentials/],
    ['https://user@example.com/', strict, /credentials/],
    ['https://example.com/#section', strict, /fragment/],
    ['https://[::1]:9000/x', strict, /loopback address/],
    ['http://127.0.0.1:3000/x', insecure, /loopback address/],
    [`https://example.com/${'a'.repeat(2100)}`, strict, /at most 2048 characters/],
  ];
  for (const [raw, opts, message] of rejected) {
    it(`rejects ${JSON.stringify(raw.length > 40 ? `${raw.slice(0, 30)}…` : raw)}${opts.allowInsecure ? ' (insecure allowed)' : ''}`, () => {
      assert.throws(
        () => checkEndpointUrl(raw, opts),
        (err: unknown) => err instanceof ValidationFailedError && err.status === 400 && message.test(err.message),
      );
    });
  }
});
