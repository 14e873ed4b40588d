import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { parseIpAddress } from './ip-address.js';
import { BlockedTargetError, type TargetPolicy } from './target-policy.js';

/** Resolves a host name to every address it has. Injectable so tests can play DNS tricks. */
export type HostResolver = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolver: HostResolver = (hostname) =>
  new Promise((resolve, reject) => dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))));

/** Resolves `hostname` once, refuses it if ANY address is not allowed, and returns the checked
 * addresses: the caller connects to one of these, never to a second resolution (DNS rebinding). */
export async function resolveChecked(hostname: string, policy: TargetPolicy, resolver: HostResolver): Promise<LookupAddress[]> {
  const literal = policy.checkText(hostname);
  if (literal) {
    if (!literal.allowed) throw new BlockedTargetError(hostname, literal.address, literal.kind);
    const ip = parseIpAddress(hostname)!;
    return [{ address: hostname.replace(/^\[|\]$/g, ''), family: ip.family }];
  }
  const addresses = await resolver(hostname);
  if (addresses.length === 0) throw Object.assign(new Error(`${hostname} has no addresses`), { code: 'ENOTFOUND' });
  for (const a of addresses) {
    const verdict = policy.checkText(a.address);
    if (!verdict) throw new BlockedTargetError(hostname, a.address, 'unparsable');
    if (!verdict.allowed) throw new BlockedTargetError(hostname, verdict.address, verdict.kind);
  }
  return addresses;
}

/** A `lookup` for net/tls.connect: the socket connects to exactly the address that was checked.
 * TLS SNI and the Host header still use the name, since only the lookup is replaced. */
export function checkedLookup(policy: TargetPolicy, resolver: HostResolver = systemResolver): LookupFunction {
  return ((hostname: string, options: { all?: boolean; family?: number | string }, callback: (...args: unknown[]) => void) => {
    resolveChecked(hostname, policy, resolver).then(
      (addresses) => {
        const family = Number(options?.family) || 0;
        const usable = family === 4 || family === 6 ? addresses.filter((a) => a.family === family) : addresses;
        if (usable.length === 0) return callback(Object.assign(new Error(`${hostname} has no IPv${family} address`), { code: 'ENOTFOUND' }));
        if (options?.all) callback(null, usable);
        else callback(null, usable[0]!.address, usable[0]!.family);
      },
      (err: unknown) => callback(err),
    );
  }) as LookupFunction;
}
