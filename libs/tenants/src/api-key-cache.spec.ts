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

  it('shares one lookup among concurrent callers and keeps only hits', async () => {
    const cache = new ApiKeyCache<string>(60_000, 10, () => 0);
    let loads = 0;
    let release!: (v: string | null) => void;
    const load = () => {
      loads++;
      return new Promise<string | null>((r) => (release = r));
    };
    const all = Promise.all([cache.lookup('h', load), cache.lookup('h', load), cache.lookup('h', load)]);
    release('t1');
    assert.deepEqual(await all, ['t1', 't1', 't1']);
    assert.equal(loads, 1);
    assert.equal(await cache.lookup('h', load), 't1', 'cached: no new lookup');
    assert.equal(loads, 1);
    const miss = cache.lookup('wrong', load);
    release(null);
    assert.equal(await miss, null);
    assert.equal(cache.get('wrong'), null);
    const again = cache.lookup('wrong', load);
    assert.equal(loads, 3, 'a miss is looked up again');
    release(null);
    await again;
  });

  it('keeps a lookup that a revocation overtook out of the cache', async () => {
    const cache = new ApiKeyCache<string>(60_000, 10, () => 0);
    let release!: (v: string | null) => void;
    const pending = cache.lookup('h', () => new Promise<string | null>((r) => (release = r)));
    cache.delete('h');
    release('t1');
    await pending;
    assert.equal(cache.get('h'), null);
  });

  it('forgets a failed lookup so the next request tries again', async () => {
    const cache = new ApiKeyCache<string>(60_000, 10, () => 0);
    await assert.rejects(cache.lookup('h', () => Promise.reject(new Error('db down'))), /db down/);
    assert.equal(await cache.lookup('h', () => Promise.resolve('t1')), 't1');
  });
});
