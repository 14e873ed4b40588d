import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Clock } from '#libs/common';
import { loadConfig } from '#libs/config';
import { EndpointGate, GATE_MAX_DEFER_MS, GATE_MAX_WAIT_MS, type Admission } from './endpoint-gate.js';

class FakeClock extends Clock {
  t = 1_000_000;
  override now(): number {
    return this.t;
  }
}

function gate(cap: number) {
  const clock = new FakeClock();
  const config = loadConfig({ ADMIN_API_KEY: 'x'.repeat(16), SECRETS_KEY: `k1:${Buffer.alloc(32, 1).toString('base64')}`, ENDPOINT_CONCURRENCY: String(cap) });
  return { clock, gate: new EndpointGate(config, clock) };
}

const run = (a: Admission) => {
  assert.equal(a.kind, 'run');
  return a as Extract<Admission, { kind: 'run' }>;
};

describe('EndpointGate', () => {
  it('admits up to the cap per endpoint, and other endpoints regardless', async () => {
    const { gate: g } = gate(2);
    run(await g.admit('a'));
    run(await g.admit('a'));
    assert.equal(g.inFlight('a'), 2);
    run(await g.admit('b'));
    assert.equal(g.inFlight('b'), 1);
  });

  it('lets a job for a fast endpoint wait in memory and hands it the slot that frees', async () => {
    const { gate: g, clock } = gate(1);
    const first = run(await g.admit('a'));
    const waiting = g.admit('a');
    clock.t += 5;
    first.release();
    const second = run(await waiting);
    assert.equal(g.inFlight('a'), 1);
    second.release();
    assert.equal(g.inFlight('a'), 0);
  });

  it('defers a job for an endpoint whose attempt hangs, without holding a slot', async () => {
    const { gate: g, clock } = gate(2);
    run(await g.admit('slow'));
    run(await g.admit('slow'));
    clock.t += GATE_MAX_WAIT_MS + 1;
    const a = await g.admit('slow');
    assert.equal(a.kind, 'defer');
    assert.equal(g.inFlight('slow'), 2);
  });

  it('spaces the deferrals of a backlog by the endpoint pace, up to the maximum', async () => {
    const { gate: g, clock } = gate(2);
    for (let i = 0; i < 2; i++) run(await g.admit('slow'));
    clock.t += 10_000;
    const delays: number[] = [];
    for (let i = 0; i < 200; i++) {
      const a = await g.admit('slow');
      assert.equal(a.kind, 'defer');
      delays.push((a as { delayMs: number }).delayMs);
    }
    // 10 s attempts, 2 at a time: one slot every 5 s, so each deferred job comes back 5 s after the last.
    assert.deepEqual(delays.slice(0, 3), [100, 5_100, 10_100]);
    assert.ok(delays.every((d, i) => i === 0 || d >= delays[i - 1]!));
    assert.equal(Math.max(...delays), GATE_MAX_DEFER_MS);
  });

  it('stops the in-memory wait after the maximum and defers instead', async () => {
    const { gate: g } = gate(1);
    run(await g.admit('a'));
    const a = await g.admit('a');
    assert.equal(a.kind, 'defer');
  });
});
