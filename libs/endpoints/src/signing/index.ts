export * from './signature-scheme.js';
export * from './schemes.js';
export { WHSEC_PREFIX } from './standard-webhooks.scheme.js';
export { HMAC_ALGORITHMS, HMAC_CONTENTS, HMAC_ENCODINGS, type HmacOptions } from './hmac.scheme.js';
