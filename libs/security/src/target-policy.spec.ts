import assert from 'node:assert/strict';
import { BlockList } from 'node:net';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatIp, parseCidr, parseIpAddress } from './ip-address.js';
import { classifyAddress, isLocalName, TargetPolicy } from './target-policy.js';

const TABLE: Array<[string, string]> = [
  // loopback, in every spelling the issue names and then some
  ['127.0.0.1', 'loopback'],
  ['127.1', 'loopback'],
  ['127.0.1', 'loopback'],
  ['127.255.255.254', 'loopback'],
  ['0x7f000001', 'loopback'],
  ['0X7F000001', 'loopback'],
  ['2130706433', 'loopback'],
  ['017700000001', 'loopback'],
  ['0177.0.0.1', 'loopback'],
  ['0x7f.0.0.1', 'loopback'],
  ['0x7f.1', 'loopback'],
  ['127.0.0.1.', 'loopback'],
  ['::1', 'loopback'],
  ['[::1]', 'loopback'],
  ['0:0:0:0:0:0:0:1', 'loopback'],
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:7f00:1', 'loopback'],
  ['[::ffff:127.0.0.1]', 'loopback'],
  ['0:0:0:0:0:ffff:7f00:0001', 'loopback'],
  ['64:ff9b::127.0.0.1', 'loopback'],
  ['2002:7f00:0001::', 'loopback'],
  // unspecified
  ['0.0.0.0', 'unspecified'],
  ['0', 'unspecified'],
  ['0.1.2.3', 'unspecified'],
  ['::', 'unspecified'],
  ['::ffff:0.0.0.0', 'unspecified'],
  // RFC 1918
  ['10.0.0.1', 'private'],
  ['10.255.255.255', 'private'],
  ['012.0.0.1', 'private'],
  ['167772161', 'private'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['192.168.1.1', 'private'],
  ['0xc0a80101', 'private'],
  ['::ffff:10.1.2.3', 'private'],
  ['::ffff:192.168.0.1', 'private'],
  // link-local, the metadata service included
  ['169.254.169.254', 'link-local'],
  ['0xa9fea9fe', 'link-local'],
  ['2852039166', 'link-local'],
  ['0251.0376.0251.0376', 'link-local'],
  ['::ffff:169.254.169.254', 'link-local'],
  ['::ffff:a9fe:a9fe', 'link-local'],
  ['fe80::1', 'link-local'],
  ['fe80::1%eth0', 'link-local'],
  ['febf:ffff::1', 'link-local'],
  // CGNAT
  ['100.64.0.1', 'cgnat'],
  ['100.127.255.255', 'cgnat'],
  // multicast
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['ff02::1', 'multicast'],
  ['ff05::1:3', 'multicast'],
  // reserved, documentation
  ['240.0.0.1', 'reserved'],
  ['255.255.255.255', 'reserved'],
  ['198.18.0.1', 'reserved'],
  ['192.0.0.8', 'reserved'],
  ['192.0.2.1', 'documentation'],
  ['198.51.100.7', 'documentation'],
  ['203.0.113.9', 'documentation'],
  ['2001:db8::1', 'documentation'],
  ['::127.0.0.1', 'reserved'],
  ['2001::1', 'reserved'],
  ['100::1', 'reserved'],
  ['fec0::1', 'reserved'],
  // IPv6 unique local
  ['fc00::1', 'unique-local'],
  ['fd12:3456:789a::1', 'unique-local'],
  // public
  ['8.8.8.8', 'public'],
  ['1.1.1.1', 'public'],
  ['100.63.255.255', 'public'],
  ['100.128.0.0', 'public'],
  ['172.15.255.255', 'public'],
  ['172.32.0.0', 'public'],
  ['169.253.255.255', 'public'],
  ['223.255.255.255', 'public'],
  ['134744072', 'public'],
  ['2606:4700:4700::1111', 'public'],
  ['2a00:1450:4001:80b::200e', 'public'],
  ['::ffff:8.8.8.8', 'public'],
  ['64:ff9b::8.8.8.8', 'public'],
];

describe('classifyAddress', () => {
  for (const [text, expected] of TABLE) {
    it(`${text} is ${expected}`, () => {
      const ip = parseIpAddress(text);
      assert.ok(ip, `${text} parses`);
      assert.equal(classifyAddress(ip), expected);
    });
  }

  it('agrees with the URL parser on numeric hosts', () => {
    for (const host of ['0x7f000001', '2130706433', '017700000001', '127.1', '0xa9fea9fe']) {
      const viaUrl = new URL(`http://${host}/`).hostname;
      assert.equal(formatIp(parseIpAddress(host)!), viaUrl);
    }
  });
});

describe('parseIpAddress', () => {
  for (const name of ['example.com', 'localhost', '1.2.3.4.5', '256.1.1.1', '4294967296', '0x1g', '08.1.1.1', '1..1', '', ':::', '1::2::3', '12345::', 'fe80::1::', '::ffff:1.2.3', '::ffff:1.2.3.256', 'g::1', '1:2:3:4:5:6:7:8:9']) {
    it(`${JSON.stringify(name)} is not an address`, () => assert.equal(parseIpAddress(name), null));
  }
  it('reads the largest IPv4 number', () => assert.equal(formatIp(parseIpAddress('4294967295')!), '255.255.255.255'));
  it('reads a full IPv6 address', () => assert.equal(formatIp(parseIpAddress('2001:db8:0:0:1:0:0:1')!), '2001:db8:0:0:1:0:0:1'));
});

describe('TargetPolicy', () => {
  it('refuses every non-public address by default', () => {
    const p = new TargetPolicy({ allowedCidrs: [], allowPrivate: false });
    assert.deepEqual(p.checkText('127.0.0.1'), { allowed: false, address: '127.0.0.1', kind: 'loopback' });
    assert.deepEqual(p.checkText('::ffff:169.254.169.254'), { allowed: false, address: '169.254.169.254', kind: 'link-local' });
    assert.deepEqual(p.checkText('8.8.8.8'), { allowed: true });
    assert.equal(p.checkText('example.com'), null);
  });

  it('lets the allow-list through, in every spelling, and nothing beside it', () => {
    const p = new TargetPolicy({ allowedCidrs: ['127.0.0.0/8', '10.1.0.0/16'], allowPrivate: false });
    for (const a of ['127.0.0.1', '2130706433', '::ffff:127.0.0.1', '10.1.2.3']) assert.deepEqual(p.checkText(a), { allowed: true }, a);
    for (const a of ['::1', '10.2.0.1', '169.254.169.254']) assert.equal(p.checkText(a)?.allowed, false, a);
  });

  it('the development switch allows everything', () => {
    const p = new TargetPolicy({ allowedCidrs: [], allowPrivate: true });
    for (const a of ['127.0.0.1', '::1', '169.254.169.254', 'fd00::1']) assert.deepEqual(p.checkText(a), { allowed: true });
  });

  it('rejects a malformed allow-list entry', () => {
    assert.throws(() => new TargetPolicy({ allowedCidrs: ['127.0.0.0/33'], allowPrivate: false }));
    assert.equal(parseCidr('10.0.0.0/8/1'), null);
    assert.equal(parseCidr('0x7f000001/8'), null);
  });

  it('knows the names that always mean this machine', () => {
    for (const n of ['localhost', 'LOCALHOST.', 'api.localhost', 'localhost.localdomain']) assert.equal(isLocalName(n), true, n);
    for (const n of ['localhost.example.com', 'mylocalhost']) assert.equal(isLocalName(n), false, n);
  });
});

describe('properties (fast-check)', () => {
  // An independent implementation of the IPv4 ranges: node's BlockList.
  const v4 = new BlockList();
  for (const c of ['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/24', '192.0.2.0/24', '192.88.99.0/24', '192.168.0.0/16', '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24', '224.0.0.0/4', '240.0.0.0/4']) {
    const [net, len] = c.split('/');
    v4.addSubnet(net!, Number(len), 'ipv4');
  }
  const u32 = fc.integer({ min: 0, max: 2 ** 32 - 1 });
  const dotted = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

  it('every IPv4 address is refused exactly when BlockList says it is in a refused range', () => {
    fc.assert(fc.property(u32, (n) => (classifyAddress(parseIpAddress(dotted(n))!) !== 'public') === v4.check(dotted(n), 'ipv4')), { numRuns: 5000 });
  });

  it('every spelling of an IPv4 address means what the URL parser says, and classifies the same', () => {
    fc.assert(
      fc.property(u32, (n) => {
        const expected = dotted(n);
        for (const spelling of [String(n), `0x${n.toString(16)}`, `0${n.toString(8)}`, `${n >>> 24}.${n & 0xffffff}`, `::ffff:${expected}`, `[::ffff:${expected}]`]) {
          const ip = parseIpAddress(spelling)!;
          assert.ok(ip, spelling);
          if (ip.family === 4) {
            assert.equal(formatIp(ip), expected, spelling);
            assert.equal(new URL(`http://${spelling}/`).hostname, expected, spelling);
          }
          assert.equal(classifyAddress(ip), classifyAddress(parseIpAddress(expected)!), spelling);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('parses every IPv6 address node accepts, round trip included', () => {
    const words = fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 });
    fc.assert(
      fc.property(words, (w) => {
        const text = w.map((x) => x.toString(16)).join(':');
        const ip = parseIpAddress(text)!;
        assert.equal(formatIp(ip), text);
        const compressed = new URL(`http://[${text}]/`).hostname.slice(1, -1);
        assert.deepEqual(parseIpAddress(compressed)?.bytes, ip.bytes, compressed);
      }),
      { numRuns: 2000 },
    );
  });
});
