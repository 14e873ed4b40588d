import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isValidEventType, isValidEventTypePattern, matchesEventType, patternsMatching } from './event-type-filter.js';

describe('event type names and patterns', () => {
  const types: Array<[string, boolean]> = [
    ['order', true],
    ['order.completed', true],
    ['Order.item-added_v2.x', true],
    ['a.b.c.d.e', true],
    ['', false],
    ['.order', false],
    ['order.', false],
    ['a..b', false],
    ['order.*', false],
    ['*', false],
    ['order completed', false],
    ['order/completed', false],
    ['ordér', false],
    ['a'.repeat(256), false],
    ['a'.repeat(255), true],
  ];
  for (const [type, valid] of types) {
    it(`event type ${JSON.stringify(type.length > 20 ? `${type.slice(0, 8)}…(${type.length})` : type)} is ${valid ? 'valid' : 'invalid'}`, () => {
      assert.equal(isValidEventType(type), valid);
    });
  }

  const patterns: Array<[string, boolean]> = [
    ['*', true],
    ['order.*', true],
    ['order.item.*', true],
    ['order.completed', true],
    ['a..b', false],
    ['*.x', false],
    ['order.*.x', false],
    ['order*', false],
    ['**', false],
    ['.*', false],
    ['order.**', false],
    ['', false],
    [' order', false],
  ];
  for (const [pattern, valid] of patterns) {
    it(`pattern ${JSON.stringify(pattern)} is ${valid ? 'valid' : 'invalid'}`, () => {
      assert.equal(isValidEventTypePattern(pattern), valid);
    });
  }
});

describe('matching an event type against subscriptions', () => {
  it('lists every pattern that matches a type, broadest first', () => {
    assert.deepEqual(patternsMatching('order'), ['*', 'order']);
    assert.deepEqual(patternsMatching('order.item.added'), ['*', 'order.*', 'order.item.*', 'order.item.added']);
  });
  it('leaves * out for the reserved hookrelay. types', () => {
    assert.deepEqual(patternsMatching('hookrelay.endpoint.failing'), ['hookrelay.*', 'hookrelay.endpoint.*', 'hookrelay.endpoint.failing']);
  });

  const table: Array<[string[], string, boolean]> = [
    [['*'], 'anything.at.all', true],
    [['order.completed'], 'order.completed', true],
    [['order.completed'], 'order.completed.late', false],
    [['order.completed'], 'order', false],
    [['order.*'], 'order.completed', true],
    [['order.*'], 'order.item.added', true],
    [['order.*'], 'order', false, ],
    [['order.*'], 'orders.completed', false],
    [['order.item.*'], 'order.completed', false],
    [['invoice.paid', 'order.*'], 'order.x', true],
    [['Order.*'], 'order.x', false],
    [['*'], 'hookrelay.endpoint.failing', false],
    [['hookrelay.*'], 'hookrelay.endpoint.failing', true],
    [['hookrelay.endpoint.disabled'], 'hookrelay.endpoint.disabled', true],
    [['*', 'hookrelay.delivery.failed'], 'hookrelay.endpoint.failing', false],
    [['*'], 'hookrelayx.y', true],
    [[], 'order.x', false],
  ];
  for (const [subs, type, expected] of table) {
    it(`${JSON.stringify(subs)} ${expected ? 'matches' : 'does not match'} ${type}`, () => {
      assert.equal(matchesEventType(subs, type), expected);
    });
  }

  it('agrees with a plain prefix reading of the patterns (property)', () => {
    const segment = fc.constantFrom('a', 'b', 'order', 'item');
    const type = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join('.'));
    const pattern = fc.oneof(fc.constant('*'), type, type.map((t) => `${t}.*`));
    fc.assert(
      fc.property(fc.array(pattern, { maxLength: 4 }), type, (subs, t) => {
        const expected = subs.some((p) => (p === '*' && !t.startsWith('hookrelay.')) || p === t || (p.endsWith('.*') && t.startsWith(p.slice(0, -1))));
        assert.equal(matchesEventType(subs, t), expected);
        for (const p of subs) assert.ok(isValidEventTypePattern(p));
      }),
    );
  });
});
