import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RetentionPacer, type RetentionPacing } from './retention-pacer.js';

const pacing: RetentionPacing = { maxBatch: 500, minBatch: 20, targetBatchMs: 100, dutyCycle: 0.2, backlogJobs: 100, backlogRestMs: 2_000 };

describe('RetentionPacer', () => {
  it('starts at the largest batch', () => {
    assert.equal(new RetentionPacer(pacing).batch, 500);
  });

  // Each row: the batches' times in order, with the waiting jobs after each; the batch sizes and rests that follow.
  const cases: Array<{ name: string; steps: Array<[tookMs: number, waiting: number]>; batches: number[]; rests: number[] }> = [
    { name: 'a batch at the target keeps its size and rests four times as long (duty 0.2)', steps: [[100, 0]], batches: [500], rests: [400] },
    { name: 'a slow batch is scaled back to the target at once', steps: [[400, 0]], batches: [125], rests: [1_600] },
    { name: 'never below the smallest batch', steps: [[10_000, 0]], batches: [20], rests: [40_000] },
    { name: 'fast batches grow back by a quarter each, up to the largest', steps: [[400, 0], [20, 0], [20, 0], [20, 0]], batches: [125, 157, 197, 247], rests: [1_600, 80, 80, 80] },
    { name: 'between half the target and the target the size holds', steps: [[400, 0], [60, 0]], batches: [125, 125], rests: [1_600, 240] },
    { name: 'a delivery backlog stretches the rest, not below the duty cycle', steps: [[50, 100], [50, 99], [1_000, 5_000]], batches: [500, 500, 50], rests: [2_000, 200, 4_000] },
    { name: 'unknown waiting jobs count as a backlog', steps: [[10, Number.POSITIVE_INFINITY]], batches: [500], rests: [2_000] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const pacer = new RetentionPacer(pacing);
      const batches: number[] = [];
      const rests: number[] = [];
      for (const [took, waiting] of c.steps) {
        rests.push(pacer.after(took, waiting));
        batches.push(pacer.batch);
      }
      assert.deepEqual({ batches, rests }, { batches: c.batches, rests: c.rests });
    });
  }
});
