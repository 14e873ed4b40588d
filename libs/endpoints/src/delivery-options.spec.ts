import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBatchOptions, parsePayloadFormat, parseTimeoutMs } from './delivery-options.js';

describe('delivery options', () => {
  it('takes batches in range, maxWaitMs defaulting to 1 s', () => {
    assert.deepEqual(parseBatchOptions({ maxEvents: 2, maxWaitMs: 0 }), { maxEvents: 2, maxWaitMs: 0 });
    assert.deepEqual(parseBatchOptions({ maxEvents: 500 }), { maxEvents: 500, maxWaitMs: 1000 });
    assert.deepEqual(parseBatchOptions({ maxEvents: 100, maxWaitMs: 60000 }), { maxEvents: 100, maxWaitMs: 60000 });
  });

  const bad: Array<[string, () => unknown, RegExp]> = [
    ['one event', () => parseBatchOptions({ maxEvents: 1 }), /batch.maxEvents must be a whole number from 2 to 500/],
    ['501 events', () => parseBatchOptions({ maxEvents: 501 }), /batch.maxEvents must be a whole number from 2 to 500/],
    ['no maxEvents', () => parseBatchOptions({ maxWaitMs: 5 }), /batch.maxEvents/],
    ['a fraction', () => parseBatchOptions({ maxEvents: 2.5 }), /whole number/],
    ['a wait over a minute', () => parseBatchOptions({ maxEvents: 10, maxWaitMs: 60001 }), /batch.maxWaitMs must be a whole number from 0 to 60000/],
    ['a negative wait', () => parseBatchOptions({ maxEvents: 10, maxWaitMs: -1 }), /batch.maxWaitMs/],
    ['an unknown option', () => parseBatchOptions({ maxEvents: 10, maxBytes: 5 }), /batch.maxBytes is not a batch option/],
    ['an array', () => parseBatchOptions([10]), /batch must be an object/],
    ['an unknown payload', () => parsePayloadFormat('xml'), /payload must be one of envelope, data/],
    ['a timeout under 100 ms', () => parseTimeoutMs(99, 10000), /timeoutMs must be a whole number from 100 to 10000/],
    ['a timeout over the maximum', () => parseTimeoutMs(10001, 10000), /from 100 to 10000 \(DELIVERY_TIMEOUT_MS\)/],
  ];
  for (const [what, f, message] of bad) it(`refuses ${what}`, () => assert.throws(f, message));

  it('takes timeouts within the platform budget', () => {
    assert.equal(parseTimeoutMs(100, 10000), 100);
    assert.equal(parseTimeoutMs(10000, 10000), 10000);
  });
});
