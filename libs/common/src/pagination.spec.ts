import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { uuidv7 } from './ids.js';
import { decodeCursor, encodeCursor, toPage } from './pagination.js';

describe('cursors', () => {
  it('round-trips an id', () => {
    for (let i = 0; i < 20; i++) {
      const id = uuidv7();
      const cursor = encodeCursor(id);
      assert.match(cursor, /^[A-Za-z0-9_-]+$/, 'URL-safe without escaping');
      assert.equal(decodeCursor(cursor), id);
    }
  });

  const garbage = [
    '',
    'not a cursor',
    '!!!',
    '%%%',
    Buffer.from('hello').toString('base64url'),
    Buffer.from('0192f0c8-7d4e-7abc-8def-0123456789ab; DROP TABLE x').toString('base64url'),
    Buffer.from('0192F0C8-7D4E-7ABC-8DEF-0123456789AB').toString('base64url'),
    encodeCursor(uuidv7()) + '=',
    'A'.repeat(101),
  ];
  for (const g of garbage) {
    it(`rejects ${JSON.stringify(g.length > 30 ? `${g.slice(0, 20)}…` : g)}`, () => {
      assert.equal(decodeCursor(g), null);
    });
  }
});

describe('toPage', () => {
  const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `id-${i}`, v: i }));

  it('returns the rows and no cursor when there is no extra row', () => {
    assert.deepEqual(toPage(rows(3), 3, (r) => r.v), { data: [0, 1, 2], nextCursor: null });
    assert.deepEqual(toPage([], 3, (r) => r), { data: [], nextCursor: null });
  });

  it('drops the extra row and points the cursor at the last row shown', () => {
    const page = toPage(rows(4), 3, (r) => r.v);
    assert.deepEqual(page.data, [0, 1, 2]);
    assert.equal(page.nextCursor, encodeCursor('id-2'));
  });
});
