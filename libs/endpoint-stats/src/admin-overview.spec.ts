import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fillMinutes } from './admin-overview.service.js';

describe('fillMinutes', () => {
  const from = Date.UTC(2026, 11, 1, 13, 0);
  it('one entry per minute from `from`, zeros where the rollup has no row, rows outside ignored', () => {
    const out = fillMinutes(
      [
        { minute: from + 60_000, attempts: 3, succeeded: 2, failed: 1 },
        { minute: from + 3 * 60_000, attempts: 1, succeeded: 1, failed: 0 },
        { minute: from + 10 * 60_000, attempts: 9, succeeded: 9, failed: 0 },
      ],
      from,
      4,
    );
    assert.deepEqual(
      out.map((m) => [m.minute.getTime() - from, m.attempts, m.succeeded, m.failed]),
      [
        [0, 0, 0, 0],
        [60_000, 3, 2, 1],
        [120_000, 0, 0, 0],
        [180_000, 1, 1, 0],
      ],
    );
  });
});
