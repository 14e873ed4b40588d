import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyAttempt } from './catalogue.js';

describe('classifyAttempt', () => {
  const cases: Array<[number | null, string | null, string]> = [
    [200, null, '2xx'],
    [204, null, '2xx'],
    [299, null, '2xx'],
    [301, null, '3xx'],
    [404, null, '4xx'],
    [429, null, '4xx'],
    [500, null, '5xx'],
    [503, null, '5xx'],
    [null, 'timeout', 'timeout'],
    [null, 'connection_refused', 'network'],
    [null, 'dns', 'network'],
    [null, 'blocked', 'network'],
  ];
  for (const [status, kind, expected] of cases) {
    it(`${status ?? kind} -> ${expected}`, () => assert.equal(classifyAttempt(status, kind), expected));
  }
});
