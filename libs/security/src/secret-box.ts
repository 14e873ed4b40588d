import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** One encryption key: an id (stored beside every ciphertext) and 32 bytes. */
export interface SecretKey {
  id: string;
  key: Buffer;
}

const KEY_ID_RE = /^[A-Za-z0-9_-]{1,32}$/;
const FORMAT = 'v1';

export class SecretKeyError extends Error {}

/** Parses SECRETS_KEY: `id:base64` entries, comma-separated. The first encrypts; the others only
 * decrypt, so a key can be rotated without re-encrypting everything first. */
export function parseSecretKeys(value: string): SecretKey[] {
  const entries = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (entries.length === 0) throw new SecretKeyError('SECRETS_KEY is required: `<key id>:<base64 of 32 random bytes>` (generate one with `openssl rand -base64 32`)');
  const seen = new Set<string>();
  return entries.map((entry, i) => {
    const colon = entry.indexOf(':');
    const id = colon > 0 ? entry.slice(0, colon) : '';
    const b64 = colon > 0 ? entry.slice(colon + 1) : '';
    if (!KEY_ID_RE.test(id)) throw new SecretKeyError(`SECRETS_KEY entry ${i + 1} must be <key id>:<base64 key>, the id 1-32 letters, digits, _ or -`);
    if (seen.has(id)) throw new SecretKeyError(`SECRETS_KEY names key id ${id} twice`);
    seen.add(id);
    const key = /^[A-Za-z0-9+/]+={0,2}$/.test(b64) ? Buffer.from(b64, 'base64') : Buffer.alloc(0);
    if (key.length !== 32) throw new SecretKeyError(`SECRETS_KEY key ${id} must be base64 of exactly 32 bytes (openssl rand -base64 32)`);
    return { id, key };
  });
}

export class SecretDecryptError extends Error {}

/** AES-256-GCM for secrets at rest. A sealed value is `v1:<key id>:<iv>:<ciphertext>:<tag>`
 * (base64url parts); `aad` binds it to its row so a ciphertext cannot be moved to another one. */
export class SecretBox {
  private readonly byId: Map<string, Buffer>;

  constructor(private readonly keys: readonly SecretKey[]) {
    if (keys.length === 0) throw new SecretKeyError('at least one key is needed');
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  get activeKeyId(): string {
    return this.keys[0]!.id;
  }

  seal(plaintext: string, aad: string): string {
    const { id, key } = this.keys[0]!;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [FORMAT, id, iv.toString('base64url'), ct.toString('base64url'), cipher.getAuthTag().toString('base64url')].join(':');
  }

  /** The key id a sealed value was made with (null if it is not a sealed value). */
  static keyIdOf(sealed: string): string | null {
    const parts = sealed.split(':');
    return parts.length === 5 && parts[0] === FORMAT ? parts[1]! : null;
  }

  open(sealed: string, aad: string): string {
    const parts = sealed.split(':');
    if (parts.length !== 5 || parts[0] !== FORMAT) throw new SecretDecryptError('not a sealed secret');
    const [, id, iv, ct, tag] = parts as [string, string, string, string, string];
    const key = this.byId.get(id);
    if (!key) throw new SecretDecryptError(`sealed with key ${id}, which SECRETS_KEY does not hold`);
    const tagBytes = Buffer.from(tag, 'base64url');
    // GCM accepts truncated tags; only a full 16-byte tag is an authentication.
    if (tagBytes.length !== 16) throw new SecretDecryptError(`sealed secret failed authentication (key ${id})`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(tagBytes);
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretDecryptError(`sealed secret failed authentication (key ${id})`);
    }
  }
}
