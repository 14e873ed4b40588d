import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Batcher, BatchSizes } from './batcher.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('Batcher', () => {
  it('runs an item alone when nothing is busy, and groups items that arrive while a batch runs', async () => {
    const gate = deferred();
    const calls: string[][] = [];
    const b = new Batcher<string, string>({
      maxBatch: 10,
      maxInFlight: 1,
      runOne: async (i) => {
        calls.push([i]);
        await gate.promise;
        return i.toUpperCase();
      },
      runMany: async (items) => {
        calls.push(items);
        return items.map((i) => i.toUpperCase());
      },
    });
    const first = b.submit('a');
    const rest = ['b', 'c', 'd'].map((i) => b.submit(i));
    gate.resolve();
    assert.deepEqual(await Promise.all([first, ...rest]), ['A', 'B', 'C', 'D']);
    assert.deepEqual(calls, [['a'], ['b', 'c', 'd']]);
  });

  it('never puts two items with one key in a batch, and splits at maxBatch', async () => {
    const gate = deferred();
    const batches: number[][] = [];
    const b = new Batcher<number, number>({
      maxBatch: 2,
      maxInFlight: 1,
      key: (i) => String(i % 10),
      runOne: async (i) => {
        batches.push([i]);
        await gate.promise;
        return i;
      },
      runMany: async (items) => {
        batches.push(items);
        return items;
      },
    });
    const all = [0, 1, 11, 2, 3].map((i) => b.submit(i));
    gate.resolve();
    await Promise.all(all);
    assert.deepEqual(batches, [[0], [1, 2], [11, 3]]);
  });

  it('falls back to one by one when a batch fails, so only the bad item fails', async () => {
    const gate = deferred();
    const b = new Batcher<number, number>({
      maxBatch: 10,
      maxInFlight: 1,
      runOne: async (i) => {
        await gate.promise;
        if (i === 2) throw new Error('bad item');
        return i * 10;
      },
      runMany: async () => {
        throw new Error('batch failed');
      },
    });
    const results = [0, 1, 2, 3].map((i) => b.submit(i).then((v) => v, (e: Error) => e.message));
    gate.resolve();
    assert.deepEqual(await Promise.all(results), [0, 10, 'bad item', 30]);
  });

  it('reports each batch size through onBatch, to every BatchSizes listener under its name', async () => {
    const gate = deferred();
    const sizes = new BatchSizes();
    const heard: Array<[string, number]> = [];
    sizes.listen((name, size) => heard.push([name, size]));
    const b = new Batcher<number, number>({
      maxBatch: 10,
      maxInFlight: 1,
      onBatch: sizes.reporter('doubler'),
      runOne: async (i) => {
        await gate.promise;
        return i * 2;
      },
      runMany: async (items) => items.map((i) => i * 2),
    });
    const all = [1, 2, 3].map((i) => b.submit(i));
    gate.resolve();
    await Promise.all(all);
    assert.deepEqual(heard, [['doubler', 1], ['doubler', 2]]);
  });
});
