import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiKeyCache } from './api-key-cache.js';

describe('ApiKeyCache', () => {
  it('answers from memory until the TTL passes, then forgets', () => {
    let now = 1_000;
    const cache = new ApiKeyCache(1_000, 10, () => now);
    cache.set('h1', 't1');
    assert.equal(cache.get('h1'), 't1');
    now += 999;
    assert.equal(cache.get('h1'), 't1');
    now += 1;
    assert.equal(cache.get('h1'), null);
    assert.equal(cache.get('unknown'), null);
  });

  it('keeps at most maxEntries, dropping the oldest', () => {
    const cache = new ApiKeyCache(60_000, 2, () => 0);
    cache.set('a', '1');
    cache.set('b', '2');
    cache.set('c', '3');
    assert.deepEqual([cache.get('a'), cache.get('b'), cache.get('c')], [null, '2', '3']);
  });
});
