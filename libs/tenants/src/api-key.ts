import { createHash, randomBytes } from 'node:crypto';

export const TENANT_KEY_PREFIX = 'whk_';
export const SERVICE_KEY_PREFIX = 'hrs_';
export const PORTAL_TOKEN_PREFIX = 'hrp_';
const VISIBLE_CHARS = 8;

export interface GeneratedApiKey {
  key: string;
  prefix: string;
  hash: string;
}

/** A bearer key: `whk_` (a tenant's), `hrs_` (a service key) or `hrp_` (a portal link's token) + 32 random bytes (base64url). Only
 * its SHA-256 is stored; keys are random enough that a slow hash would add latency to every request
 * and no security. */
export function generateApiKey(kind: typeof TENANT_KEY_PREFIX | typeof SERVICE_KEY_PREFIX | typeof PORTAL_TOKEN_PREFIX = TENANT_KEY_PREFIX): GeneratedApiKey {
  const key = kind + randomBytes(32).toString('base64url');
  return { key, prefix: key.slice(0, kind.length + VISIBLE_CHARS), hash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}
