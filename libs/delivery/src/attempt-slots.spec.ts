import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '#libs/config';
import { AttemptSlots } from './attempt-slots.js';

function slots(size: number): AttemptSlots {
  return new AttemptSlots(loadConfig({ ADMIN_API_KEY: 'x'.repeat(16), SECRETS_KEY: `k1:${Buffer.alloc(32, 1).toString('base64')}`, WORKER_CONCURRENCY: String(size) }));
}

const tick = () => new Promise((r) => setImmediate(r));

describe('AttemptSlots', () => {
  it('hands out at most `size` slots, then serves waiters first come, first served', async () => {
    const s = slots(2);
    const a = await s.acquire();
    const b = await s.acquire();
    assert.equal(s.inUse(), 2);
    const order: string[] = [];
    const c = s.acquire().then((release) => (order.push('c'), release));
    const d = s.acquire().then((release) => (order.push('d'), release));
    await tick();
    assert.deepEqual(order, [], 'nobody gets a third slot');
    b();
    b(); // a second release of the same slot frees nothing more
    await tick();
    assert.deepEqual(order, ['c']);
    a();
    await tick();
    assert.deepEqual(order, ['c', 'd']);
    (await c)();
    (await d)();
    assert.equal(s.inUse(), 0);
  });

  it('reports pressure once a full round waits, and relief under half a round', async () => {
    const s = slots(4);
    const told: boolean[] = [];
    s.onJobConcurrency((jobs) => told.push(jobs === 1));
    const held = await Promise.all([1, 2, 3, 4].map(() => s.acquire()));
    const waiting = [1, 2, 3, 4].map(() => s.acquire());
    await tick();
    assert.equal(s.waiting(), 4);
    assert.deepEqual(told, [true], 'four waiting for four slots: saturated');
    held[0]!();
    await tick();
    assert.deepEqual(told, [true], 'three waiting: more than half a round, still saturated');
    held[1]!();
    await tick();
    assert.deepEqual(told, [true, false], 'two waiting: relieved');
    held[2]!();
    held[3]!();
    for (const w of waiting) (await w)();
    assert.deepEqual(told, [true, false], 'told once each way');
  });

  it('counts members expected from groups being loaded, beyond the free slots, as waiting', async () => {
    const s = slots(4);
    const told: boolean[] = [];
    s.onJobConcurrency((jobs) => told.push(jobs === 1));
    const first = s.expect(4);
    assert.equal(s.saturated, false, 'four expected, four free');
    const second = s.expect(4);
    assert.equal(s.saturated, true, 'eight expected for four slots: a full round would wait');
    // The first group's members take the four slots, then its expectation ends.
    const held = await Promise.all([1, 2, 3, 4].map(() => s.acquire()));
    first();
    first(); // once only
    assert.equal(s.saturated, true, 'the second group still expects four with no slot free');
    second();
    assert.equal(s.saturated, false);
    assert.deepEqual(told, [true, false]);
    for (const release of held) release();
  });

  it('advises as many jobs as fill the slots twice at the recent members per job', () => {
    const s = slots(100);
    const advised: number[] = [];
    s.onJobConcurrency((jobs) => advised.push(jobs));
    assert.equal(s.jobConcurrency, 100, 'single deliveries: one job per slot');
    for (let i = 0; i < 60; i++) s.jobStarted(50);
    assert.ok(s.jobConcurrency >= 4 && s.jobConcurrency <= 5, `groups of 50: ${s.jobConcurrency}`);
    for (let i = 0; i < 80; i++) s.jobStarted(1);
    assert.ok(s.jobConcurrency >= 90, `singles again: ${s.jobConcurrency}`);
    assert.ok(advised.length > 2 && advised.every((n) => n >= 2 && n <= 100));
  });
});
