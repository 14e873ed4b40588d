import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkCustomHeaders, isReservedHeader } from './header-policy.js';

describe('checkCustomHeaders', () => {
  it('keeps ordinary headers, names lower-cased', () => {
    assert.deepEqual(checkCustomHeaders({ 'X-Team': 'payments', Authorization: 'Bearer t', 'x-empty': '' }), { 'x-team': 'payments', authorization: 'Bearer t', 'x-empty': '' });
    assert.deepEqual(checkCustomHeaders({}), {});
  });

  for (const name of ['host', 'Host', 'content-type', 'Content-Length', 'user-agent', 'webhook-id', 'Webhook-Signature', 'webhook-timestamp', 'webhook-anything', 'x-webhook-event', 'X-Webhook-Delivery', 'transfer-encoding', 'connection']) {
    it(`refuses the reserved name ${name}`, () => {
      assert.equal(isReservedHeader(name), true);
      assert.throws(() => checkCustomHeaders({ [name]: 'x' }), /reserved/);
    });
  }

  const bad: Array<[string, Record<string, unknown>, RegExp]> = [
    ['CR/LF in a value', { 'x-a': 'a\r\nSet-Cookie: x' }, /CR, LF or NUL/],
    ['LF in a value', { 'x-a': 'a\nb' }, /CR, LF or NUL/],
    ['NUL in a value', { 'x-a': 'a\u0000b' }, /CR, LF or NUL/],
    ['non-ASCII value', { 'x-a': 'é' }, /visible ASCII/],
    ['space in a name', { 'x a': 'b' }, /not a valid header name/],
    ['colon in a name', { 'x:a': 'b' }, /not a valid header name/],
    ['empty name', { '': 'b' }, /not a valid header name/],
    ['a number value', { 'x-a': 1 }, /must be a string/],
    ['the same name twice', { 'X-A': '1', 'x-a': '2' }, /twice/],
    ['too long a value', { 'x-a': 'a'.repeat(1001) }, /at most 1000/],
  ];
  for (const [what, headers, message] of bad) it(`refuses ${what}`, () => assert.throws(() => checkCustomHeaders(headers), message));

  it('refuses too many headers and non-objects', () => {
    assert.throws(() => checkCustomHeaders(Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`x-${i}`, 'v']))), /at most 20/);
    for (const v of [null, [], 'x', 1]) assert.throws(() => checkCustomHeaders(v), /must be an object/);
  });
});

describe('checkCustomHeaders with signature headers', () => {
  it('refuses the names the signature schemes use, in any case', () => {
    const reserved = new Set(['x-hub-signature-256', 'x-fastcomments-signature']);
    assert.throws(() => checkCustomHeaders({ 'X-Hub-Signature-256': 'x' }, reserved), /headers: X-Hub-Signature-256 is reserved for signatures/);
    assert.throws(() => checkCustomHeaders({ 'x-fastcomments-signature': 'x' }, reserved), /reserved for signatures/);
    assert.deepEqual(checkCustomHeaders({ 'x-other': 'y' }, reserved), { 'x-other': 'y' });
  });
});
