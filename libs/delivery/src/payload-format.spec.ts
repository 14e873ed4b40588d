import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderBody } from './payload-format.js';

const a = { eventId: 'e1', eventType: 'order.paid', eventCreatedAt: new Date('2026-12-01T13:00:00.123Z'), eventDataJson: '{ "b" : 1.50 }' };
const b = { eventId: 'e2', eventType: 'order.sent', eventCreatedAt: new Date('2026-12-01T13:00:01.000Z'), eventDataJson: '[1,2]' };

describe('renderBody', () => {
  const cases: Array<[string, Parameters<typeof renderBody>, string]> = [
    ['envelope', ['envelope', [a], false], '{"id":"e1","type":"order.paid","timestamp":"2026-12-01T13:00:00.123Z","data":{ "b" : 1.50 }}'],
    ['data, byte for byte', ['data', [a], false], '{ "b" : 1.50 }'],
    ['a batch of envelopes, in order', ['envelope', [a, b], true], '{"events":[{"id":"e1","type":"order.paid","timestamp":"2026-12-01T13:00:00.123Z","data":{ "b" : 1.50 }},{"id":"e2","type":"order.sent","timestamp":"2026-12-01T13:00:01.000Z","data":[1,2]}]}'],
    ['a batch of data', ['data', [b, a], true], '{"events":[[1,2],{ "b" : 1.50 }]}'],
  ];
  for (const [what, args, want] of cases) it(what, () => assert.equal(renderBody(...args), want));
});
