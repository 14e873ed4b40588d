import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationFailedError } from '#libs/common';
import { checkRecoveryWindow } from './recovery-window.js';

const now = Date.parse('2026-12-01T12:00:00.000Z');
const at = (iso: string) => new Date(iso);
const day = 24 * 3600 * 1000;

describe('checkRecoveryWindow', () => {
  const accepted: Array<[string, Date, Date | undefined, string, string]> = [
    ['until defaults to now', at('2026-11-30T12:00:00Z'), undefined, '2026-11-30T12:00:00.000Z', '2026-12-01T12:00:00.000Z'],
    ['a window in the past', at('2026-11-20T00:00:00Z'), at('2026-11-21T00:00:00Z'), '2026-11-20T00:00:00.000Z', '2026-11-21T00:00:00.000Z'],
    ['exactly 14 days back', new Date(now - 14 * day), undefined, new Date(now - 14 * day).toISOString(), '2026-12-01T12:00:00.000Z'],
    ['since is now', new Date(now), undefined, '2026-12-01T12:00:00.000Z', '2026-12-01T12:00:00.000Z'],
    ['a future until is cut to now', at('2026-12-01T11:00:00Z'), at('2026-12-02T00:00:00Z'), '2026-12-01T11:00:00.000Z', '2026-12-01T12:00:00.000Z'],
  ];
  for (const [name, since, until, s, u] of accepted) {
    it(`accepts ${name}`, () => {
      const w = checkRecoveryWindow(since, until, now);
      assert.deepEqual([w.since.toISOString(), w.until.toISOString()], [s, u]);
    });
  }

  const refused: Array<[string, Date, Date | undefined, RegExp]> = [
    ['since more than 14 days back', new Date(now - 14 * day - 1), undefined, /^since must be at most 14 days ago \(not before 2026-11-17T12:00:00.000Z\)$/],
    ['since in the future', new Date(now + 1), undefined, /^since must not be in the future$/],
    ['until equal to since', at('2026-11-30T00:00:00Z'), at('2026-11-30T00:00:00Z'), /^until must be after since$/],
    ['until before since', at('2026-11-30T00:00:00Z'), at('2026-11-29T00:00:00Z'), /^until must be after since$/],
  ];
  for (const [name, since, until, message] of refused) {
    it(`refuses ${name}`, () => {
      assert.throws(() => checkRecoveryWindow(since, until, now), (err: unknown) => err instanceof ValidationFailedError && message.test(err.message));
    });
  }
});
