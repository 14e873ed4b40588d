import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { describe, it } from 'node:test';
import { checkedLookup, resolveChecked } from './checked-lookup.js';
import { BlockedTargetError, TargetPolicy } from './target-policy.js';

const policy = new TargetPolicy({ allowedCidrs: ['127.0.0.1/32'], allowPrivate: false });
const dns = (answer: LookupAddress[]) => async () => answer;

describe('resolveChecked', () => {
  it('passes a name whose every address is allowed', async () => {
    assert.deepEqual(await resolveChecked('ok.test', policy, dns([{ address: '127.0.0.1', family: 4 }, { address: '8.8.8.8', family: 4 }])), [
      { address: '127.0.0.1', family: 4 },
      { address: '8.8.8.8', family: 4 },
    ]);
  });

  const refused: Array<[string, LookupAddress[]]> = [
    ['metadata', [{ address: '169.254.169.254', family: 4 }]],
    ['one bad among good', [{ address: '8.8.8.8', family: 4 }, { address: '10.0.0.1', family: 4 }]],
    ['IPv4-mapped loopback beside the allowed one', [{ address: '::ffff:127.0.0.2', family: 6 }]],
    ['IPv6 ULA', [{ address: 'fd00::1', family: 6 }]],
  ];
  for (const [what, answer] of refused) {
    it(`refuses ${what}`, async () => {
      await assert.rejects(resolveChecked('bad.test', policy, dns(answer)), BlockedTargetError);
    });
  }

  it('checks a literal without asking DNS', async () => {
    let asked = false;
    const resolver = async () => ((asked = true), []);
    await assert.rejects(resolveChecked('10.0.0.1', policy, resolver), BlockedTargetError);
    assert.deepEqual(await resolveChecked('127.0.0.1', policy, resolver), [{ address: '127.0.0.1', family: 4 }]);
    assert.equal(asked, false);
  });

  it('answers net.connect in both shapes, with the checked address', async () => {
    const lookup = checkedLookup(policy, dns([{ address: '127.0.0.1', family: 4 }]));
    const one = await new Promise((resolve, reject) => lookup('x.test', { family: 0 }, (err, address, family) => (err ? reject(err) : resolve([address, family]))));
    assert.deepEqual(one, ['127.0.0.1', 4]);
    const all = await new Promise((resolve, reject) => lookup('x.test', { all: true } as never, ((err: Error | null, addresses: unknown) => (err ? reject(err) : resolve(addresses))) as never));
    assert.deepEqual(all, [{ address: '127.0.0.1', family: 4 }]);
  });
});
