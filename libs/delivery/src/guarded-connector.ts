import { buildConnector } from 'undici';
import { BlockedTargetError, checkedLookup, systemResolver, type HostResolver, type TargetPolicy } from '#libs/security';

/** Injection token for the resolver the sender's connections use (tests swap in their own DNS). */
export const HOST_RESOLVER = Symbol('HOST_RESOLVER');

/** An undici connector that only opens sockets to allowed addresses: a literal address is checked
 * as is; a name is resolved once, every address checked, and the socket connects to a checked
 * address (the lookup is replaced, so no second resolution can rebind it). SNI and Host keep the name. */
export function guardedConnector(policy: TargetPolicy, timeoutMs: number, resolver: HostResolver = systemResolver): buildConnector.connector {
  const base = buildConnector({ timeout: timeoutMs, lookup: checkedLookup(policy, resolver) } as buildConnector.BuildOptions);
  return (opts, callback) => {
    const host = opts.hostname.replace(/^\[|\]$/g, '');
    const literal = policy.checkText(host);
    if (literal && !literal.allowed) {
      callback(new BlockedTargetError(host, literal.address, literal.kind), null);
      return;
    }
    base(opts, callback);
  };
}
