import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isUuid, uuidv7, uuidv7Floor } from './ids.js';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('uuidv7', () => {
  it('has the RFC 9562 version 7 and variant bits', () => {
    for (let i = 0; i < 200; i++) assert.match(uuidv7(), V7);
  });

  it('carries the millisecond timestamp in its first 48 bits', () => {
    const now = Date.UTC(2026, 10, 23, 12, 0, 0, 123);
    const id = uuidv7(now);
    assert.equal(parseInt(id.replace(/-/g, '').slice(0, 12), 16), now);
    assert.equal(uuidv7(0).slice(0, 13), '00000000-0000');
  });

  it('sorts by time as text, which is how ids order pages', () => {
    const times = [1, 2, 1000, 1_700_000_000_000, 1_700_000_000_001, 2 ** 47];
    const ids = times.map((t) => uuidv7(t));
    assert.deepEqual([...ids].sort(), ids);
  });

  it('is unique', () => {
    const now = Date.now();
    const ids = new Set(Array.from({ length: 5000 }, () => uuidv7(now)));
    assert.equal(ids.size, 5000);
  });
});

describe('uuidv7Floor', () => {
  it('sorts after every id of earlier milliseconds and before every id of its own and later ones', () => {
    const t = Date.UTC(2026, 11, 1, 10, 0, 0, 500);
    const floor = uuidv7Floor(t);
    assert.ok(isUuid(floor));
    for (let i = 0; i < 200; i++) {
      assert.ok(uuidv7(t - 1) < floor);
      assert.ok(uuidv7(t) > floor);
      assert.ok(uuidv7(t + 1) > floor);
    }
    assert.equal(uuidv7Floor(0), '00000000-0000-0000-0000-000000000000');
    assert.equal(uuidv7Floor(-5), '00000000-0000-0000-0000-000000000000');
  });
});

describe('isUuid', () => {
  const table: Array<[unknown, boolean]> = [
    [uuidv7(), true],
    ['0192F0C8-7D4E-7ABC-8DEF-0123456789AB', true],
    ['00000000-0000-0000-0000-000000000000', true],
    ['0192f0c8-7d4e-7abc-8def-0123456789a', false],
    ['0192f0c87d4e7abc8def0123456789ab', false],
    [' 0192f0c8-7d4e-7abc-8def-0123456789ab', false],
    ['0192f0c8-7d4e-7abc-8def-0123456789ag', false],
    ['', false],
    [42, false],
    [null, false],
  ];
  for (const [value, expected] of table) {
    it(`${JSON.stringify(value)} -> ${expected}`, () => assert.equal(isUuid(value), expected));
  }
});
