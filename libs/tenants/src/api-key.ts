import { createHash, randomBytes } from 'node:crypto';

const KEY_PREFIX = 'whk_';
const VISIBLE_CHARS = 8;

export interface GeneratedApiKey {
  key: string;
  prefix: string;
  hash: string;
}

/** A tenant API key: `whk_` + 32 random bytes (base64url). Only its SHA-256 is stored; keys are
 * random enough that a slow hash would add latency to every request and no security. */
export function generateApiKey(): GeneratedApiKey {
  const key = KEY_PREFIX + randomBytes(32).toString('base64url');
  return { key, prefix: key.slice(0, KEY_PREFIX.length + VISIBLE_CHARS), hash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}
