import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { closestName, editDistance } from './closest-name.js';

const ENDPOINT_FIELDS = ['url', 'eventTypes', 'description', 'headers', 'rateLimitPerSecond'];
const QUERY_FIELDS = ['limit', 'cursor', 'endpointId', 'eventId', 'eventType', 'status', 'since', 'until'];

describe('closestName', () => {
  const cases: Array<[string, string[], string | null]> = [
    ['eventType', ENDPOINT_FIELDS, 'eventTypes'],
    ['event_types', ENDPOINT_FIELDS, 'eventTypes'],
    ['EventTypes', ENDPOINT_FIELDS, 'eventTypes'],
    ['uri', ENDPOINT_FIELDS, 'url'],
    ['descriptoin', ENDPOINT_FIELDS, 'description'],
    ['header', ENDPOINT_FIELDS, 'headers'],
    ['rateLimit', ENDPOINT_FIELDS, null],
    ['color', ENDPOINT_FIELDS, null],
    ['secret', ENDPOINT_FIELDS, null],
    ['a', ENDPOINT_FIELDS, null],
    ['limt', QUERY_FIELDS, 'limit'],
    ['eventTypes', QUERY_FIELDS, 'eventType'],
    ['stauts', QUERY_FIELDS, 'status'],
    ['sort', QUERY_FIELDS, null],
    ['order', QUERY_FIELDS, null],
    ['tenantId', ['type', 'data', 'idempotencyKey'], null],
    ['tpye', ['type', 'data', 'idempotencyKey'], 'type'],
  ];
  for (const [name, candidates, expected] of cases) {
    it(`${name} -> ${expected ?? 'no suggestion'}`, () => {
      assert.equal(closestName(name, candidates), expected);
    });
  }

  it('prefers the nearest candidate, and never suggests the name itself', () => {
    assert.equal(closestName('eventIds', ['eventId', 'eventIdss']), 'eventId');
    assert.equal(closestName('url', ['url']), null);
  });

  const distances: Array<[string, string, number]> = [
    ['', '', 0],
    ['abc', '', 3],
    ['kitten', 'sitting', 3],
    ['tpye', 'type', 1],
    ['eventtype', 'eventtypes', 1],
  ];
  for (const [a, b, d] of distances) {
    it(`editDistance(${JSON.stringify(a)}, ${JSON.stringify(b)}) = ${d}`, () => {
      assert.equal(editDistance(a, b), d);
      assert.equal(editDistance(b, a), d);
    });
  }
});
