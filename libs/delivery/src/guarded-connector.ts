import { buildConnector } from 'undici';
import { BlockedTargetError, checkedLookup, systemResolver, type HostResolver, type TargetPolicy } from '#libs/security';

/** Injection token for the resolver the sender's connections use (tests swap in their own DNS). */
export const HOST_RESOLVER = Symbol('HOST_RESOLVER');

/** An undici connector that only opens sockets to allowed addresses: a literal address is checked
 * as is; a name is resolved once, every address checked, and the socket connects to a checked
 * address (the lookup is replaced, so no second resolution can rebind it). SNI and Host keep the name.
 * HTTP/1.1 only (undici 8 would offer h2 over TLS by default): the sender's per-origin connection
 * cap and "a cut-off body drops its connection" are HTTP/1.1 semantics. */
export function guardedConnector(policy: TargetPolicy, timeoutMs: number, resolver: HostResolver = systemResolver): buildConnector.connector {
  const base = buildConnector({ timeout: timeoutMs, lookup: checkedLookup(policy, resolver), allowH2: false });
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
