import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import fc from 'fast-check';
import { DispatchEventDto } from '../../apps/api/src/events/dto/dispatch-event.dto.js';
import { fastPathAccepts } from '../../apps/api/src/common/validation.pipe.js';

// POST /v1/events and each item of /v1/events/batch skip class-validator when the body is plainly
// valid. The fast path may only accept what the DTO's decorators accept: every error, and its
// message, still comes from class-validator (the messages are tested in api-validation.test.ts).

async function decoratorsAccept(body: Record<string, unknown>): Promise<boolean> {
  const errors = await validate(plainToInstance(DispatchEventDto, body), { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  return errors.length === 0;
}

describe('dispatch fast path: accepts only what the DTO rules accept', () => {
  it('accepts the common valid bodies, with the same fields as the decorators give', () => {
    for (const body of [
      { type: 'order.created', data: {} },
      { type: 'order.created', data: { a: [1, 2], b: { c: null } } },
      { type: 'a-b_c.d', data: {}, idempotencyKey: 'k-1' },
      { type: 'x', data: {}, idempotencyKey: null },
    ]) {
      const dto = fastPathAccepts(DispatchEventDto, body);
      assert.ok(dto instanceof DispatchEventDto, JSON.stringify(body));
      assert.deepEqual({ ...dto }, { ...plainToInstance(DispatchEventDto, body) });
    }
  });

  it('leaves every invalid body of the table to class-validator', async () => {
    const bodies: Array<Record<string, unknown>> = [
      { type: 7, data: {} },
      { type: 'a.b', data: [1] },
      { type: 'a.b', data: 'x' },
      { type: 'a.b', data: null },
      { type: 'a.b' },
      { data: {} },
      { type: 'a..b', data: {} },
      { type: 'a'.repeat(256), data: {} },
      { type: 'a.b', data: {}, idempotencyKey: '' },
      { type: 'a.b', data: {}, idempotencyKey: 5 },
      { type: 'a.b', data: {}, idempotencyKey: 'a\u0000b' },
      { type: 'a.b', data: {}, idempotencyKey: 'k'.repeat(256) },
      { type: 'a.b', data: {}, tenantId: 'x' },
    ];
    for (const body of bodies) {
      assert.equal(await decoratorsAccept(body), false, `the decorators should refuse ${JSON.stringify(body)}`);
      assert.equal(fastPathAccepts(DispatchEventDto, body), undefined, JSON.stringify(body));
    }
  });

  it('never accepts a generated body that the decorators refuse', async () => {
    const value = fc.oneof(fc.string(), fc.constantFrom('a.b', 'order.created', '', 'a..b', 'x'.repeat(255), 'x'.repeat(256), '\uFE0F', 'a\u001fb'), fc.integer(), fc.constant(null), fc.array(fc.integer()), fc.dictionary(fc.string(), fc.integer()), fc.boolean());
    const body = fc.dictionary(fc.constantFrom('type', 'data', 'idempotencyKey', 'other', '__proto__'), value);
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        if (fastPathAccepts(DispatchEventDto, b) !== undefined) assert.ok(await decoratorsAccept(b), JSON.stringify(b));
      }),
      { numRuns: 2000 },
    );
  });
});
