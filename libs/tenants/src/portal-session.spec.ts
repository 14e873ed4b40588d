import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationFailedError } from '#libs/common';
import { portalSessionSeconds } from './portal-session.service.js';

describe('portalSessionSeconds', () => {
  const cases: Array<[number | undefined, number | 'refused']> = [
    [undefined, 3600],
    [60, 60],
    [86_400, 86_400],
    [59, 'refused'],
    [86_401, 'refused'],
    [0, 'refused'],
    [-5, 'refused'],
    [1.5, 'refused'],
    [Number.NaN, 'refused'],
  ];
  for (const [input, want] of cases) {
    it(`${input} -> ${want}`, () => {
      if (want === 'refused') assert.throws(() => portalSessionSeconds(input), (e: unknown) => e instanceof ValidationFailedError && /from 60 to 86400/.test(e.message));
      else assert.equal(portalSessionSeconds(input), want);
    });
  }
});
