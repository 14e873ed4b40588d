import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { parseSecretKeys, SecretBox, SecretDecryptError } from './secret-box.js';

const k = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;

describe('SecretBox', () => {
  const k1 = k('k1');
  const k2 = k('k2');

  it('round-trips and never stores the plaintext', () => {
    const box = new SecretBox(parseSecretKeys(k1));
    const sealed = box.seal('whsec_abc', 'endpoint:1');
    assert.ok(!sealed.includes('whsec_abc'));
    assert.match(sealed, /^v1:k1:/);
    assert.equal(box.open(sealed, 'endpoint:1'), 'whsec_abc');
    assert.notEqual(box.seal('whsec_abc', 'endpoint:1'), sealed, 'a fresh IV every time');
  });

  it('detects tampering with any part, and a ciphertext moved to another row', () => {
    const box = new SecretBox(parseSecretKeys(k1));
    const sealed = box.seal('whsec_abc', 'endpoint:1');
    const parts = sealed.split(':');
    for (const i of [2, 3, 4]) {
      const bad = [...parts];
      const raw = Buffer.from(bad[i]!, 'base64url');
      raw[0]! ^= 1;
      bad[i] = raw.toString('base64url');
      assert.throws(() => box.open(bad.join(':'), 'endpoint:1'), SecretDecryptError, `part ${i}`);
    }
    const short = [...parts];
    short[4] = Buffer.from(parts[4]!, 'base64url').subarray(0, 4).toString('base64url');
    assert.throws(() => box.open(short.join(':'), 'endpoint:1'), SecretDecryptError, 'a truncated tag');
    assert.throws(() => box.open(sealed, 'endpoint:2'), SecretDecryptError);
    assert.throws(() => box.open('whsec_plain', 'endpoint:1'), SecretDecryptError);
  });

  it('rotates by key id: the new key seals, the old one still opens', () => {
    const old = new SecretBox(parseSecretKeys(k1));
    const sealedOld = old.seal('s1', 'a');
    const rotated = new SecretBox(parseSecretKeys(`${k2},${k1}`));
    assert.equal(rotated.activeKeyId, 'k2');
    assert.equal(rotated.open(sealedOld, 'a'), 's1');
    const sealedNew = rotated.seal('s2', 'a');
    assert.equal(SecretBox.keyIdOf(sealedNew), 'k2');
    assert.throws(() => old.open(sealedNew, 'a'), /key k2/);
  });

  it('validates SECRETS_KEY with a clear message', () => {
    assert.throws(() => parseSecretKeys(''), /SECRETS_KEY is required/);
    assert.throws(() => parseSecretKeys(randomBytes(32).toString('base64')), /<key id>:<base64 key>/);
    assert.throws(() => parseSecretKeys(`k1:${randomBytes(16).toString('base64')}`), /exactly 32 bytes/);
    assert.throws(() => parseSecretKeys(`${k1},${k1}`), /twice/);
    assert.equal(parseSecretKeys(`${k1}, ${k2}`).length, 2);
  });
});
