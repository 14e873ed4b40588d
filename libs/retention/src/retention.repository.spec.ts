import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { uuidv7 } from '#libs/common';
import { uuidv7Floor } from './retention.repository.js';

describe('uuidv7Floor', () => {
  it('sorts below every id of its millisecond and above every earlier one', () => {
    for (const ms of [0, 1, 1_700_000_000_000, 1_800_000_000_123, 2 ** 47]) {
      const floor = uuidv7Floor(ms);
      assert.match(floor, /^[0-9a-f]{8}-[0-9a-f]{4}-0000-0000-000000000000$/);
      for (let i = 0; i < 20; i++) {
        assert.ok(uuidv7(ms) > floor, `an id of ${ms} is above its floor`);
        if (ms > 0) assert.ok(uuidv7(ms - 1) < floor, `an id of ${ms - 1} is below the floor of ${ms}`);
      }
    }
  });
});
