import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { pgBase, redisUrl, runId } from '../support/test-env.js';

// Not a benchmark: a tiny run of the harness (`npm run bench`) so that it keeps working.
describe('bench harness smoke run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs every scenario at a tiny scale and writes numbers for each', async () => {
    const out = join(dir, 'result.json');
    const root = fileURLToPath(new URL('../../..', import.meta.url));
    const child = spawn(process.execPath, ['dist/bench/bench.js', '--scale', '0.005', '--out', out], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, BENCH_TEMPLATE_DB: process.env.TEST_TEMPLATE_DB, BENCH_NAME_PREFIX: `${runId}_`, BENCH_PG_URL: pgBase, BENCH_REDIS_URL: redisUrl },
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 0, output);

    const report = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(report.error, undefined);
    const r = report.results;
    assert.ok(r.limit.perSecond > 0);
    assert.ok(r.throughput.complete && r.throughput.perSecond > 0 && r.throughput.allAttemptsLogged, JSON.stringify(r.throughput));
    assert.ok(r.batching.complete && r.batching.allAttemptsLogged && r.batching.requests < r.batching.received / 2, JSON.stringify(r.batching));
    assert.ok(r.fanOut.complete && r.fanOut.received === r.fanOut.deliveries, JSON.stringify(r.fanOut));
    assert.ok(r.dispatchApi.perSecond > 0 && r.dispatchApi.errors === 0 && Number.isFinite(r.dispatchApi.latencyMs.p99));
    assert.ok(r.batchDispatch.eventsPerSecond > 0 && r.batchDispatch.errors === 0 && r.batchDispatch.events === r.batchDispatch.batches * 100, JSON.stringify(r.batchDispatch));
    assert.ok(r.latency.complete && Number.isFinite(r.latency.latencyMs.p99), JSON.stringify(r.latency));
    assert.ok(r.noisyNeighbour.complete && Number.isFinite(r.noisyNeighbour.healthyLatencyMs.p99) && r.noisyNeighbour.hangingAttemptsStarted > 0, JSON.stringify(r.noisyNeighbour));
    assert.ok(r.postgresFloor.deliveries > 0 && r.postgresFloor.attemptsRecorded === r.postgresFloor.deliveries, JSON.stringify(r.postgresFloor));
    assert.ok(r.metricsCost.runs.length === 2 && r.metricsCost.runs.every((x: { cpuMsPerDelivery: { total: number } }) => x.cpuMsPerDelivery.total > 0), JSON.stringify(r.metricsCost));
    assert.ok(r.retention.attemptsPurged === r.retention.attemptsToPurge && r.retention.oldEventsLeft === 0 && Number.isFinite(r.retention.p99Ratio) && Number.isFinite(r.retention.p99RatioToAfter), JSON.stringify(r.retention));
    assert.ok(r.retentionMethods.rowsRemoved > 0 && r.retentionMethods.batchedDelete.rows === r.retentionMethods.rowsRemoved, JSON.stringify(r.retentionMethods));
    assert.ok(r.memory.peakRssMb.api > 0 && r.memory.peakRssMb.worker > 0);
    for (const w of ['1h', '24h', '7d']) {
      const m = r.endpointStats.windows[w];
      assert.ok(Number.isFinite(m.idle.p99) && Number.isFinite(m.underLoad.p99) && m.idle.attempts > (w === '7d' ? 9_000_000 : 0), JSON.stringify(r.endpointStats));
    }
    assert.ok(r.endpointStats.attemptRows === 50_000 && Math.abs(r.endpointStats.rollupRows.minutes - 2 * 24 * 60) <= 2 && r.endpointStats.rollupRows.periods >= 7 * 60, JSON.stringify(r.endpointStats));
    assert.ok(report.checks.length >= 10);
  });

  it('profiles scenarios after an unmeasured warm-up pass, counting only the measured deliveries', async () => {
    const out = join(dir, 'profile.json');
    const root = fileURLToPath(new URL('../../..', import.meta.url));
    const child = spawn(process.execPath, ['dist/bench/bench.js', '--profile', '--scale', '0.005', '--only', 'throughput,latency', '--no-cpu-prof', '--warmup', '1', '--out', out], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, BENCH_NAME_PREFIX: `${runId}_`, BENCH_PG_URL: pgBase },
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 0, output);

    const { profile } = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(profile.runs.length, 2, output);
    const [run, lat] = profile.runs;
    // The warm-up sent as many events again, to a receiver group of its own: none of them is counted.
    assert.ok(run.result.complete && run.result.allAttemptsLogged, JSON.stringify(run.result));
    assert.equal(run.result.distinctDeliveries, run.result.events, JSON.stringify(run.result));
    assert.equal(run.items, run.result.events);
    assert.ok(run.cpuMsPerItem.platform > 0 && run.redisCommandsPerItem > 0, JSON.stringify(run));
    // The latency scenario's warm-up ran as long at the same rate, to its own group: the latencies are the measured events' only.
    assert.match(lat.label, /latency$/);
    assert.ok(lat.result.complete && lat.result.started > 0, JSON.stringify(lat.result));
    assert.equal(lat.result.received, lat.result.started - lat.result.errors, JSON.stringify(lat.result));
    assert.equal(lat.result.latencyMs.samples, lat.result.received, JSON.stringify(lat.result));
  });
});
