import { cidrContains, formatIp, parseCidr, parseIpAddress, type Cidr, type IpAddress } from './ip-address.js';

/** Why an address is not a public unicast destination; `public` when it is one. */
export type AddressClass =
  | 'public'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'cgnat'
  | 'multicast'
  | 'reserved'
  | 'documentation'
  | 'unique-local';

const RANGES: Array<[string, Exclude<AddressClass, 'public'>]> = [
  ['0.0.0.0/8', 'unspecified'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'cgnat'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'reserved'],
  ['192.0.2.0/24', 'documentation'],
  ['192.88.99.0/24', 'reserved'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'reserved'],
  ['198.51.100.0/24', 'documentation'],
  ['203.0.113.0/24', 'documentation'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'],
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['::/96', 'reserved'], // IPv4-compatible, deprecated
  ['64:ff9b:1::/48', 'reserved'],
  ['100::/64', 'reserved'],
  ['2001::/23', 'reserved'], // Teredo and other IETF assignments
  ['2001:db8::/32', 'documentation'],
  ['3fff::/20', 'documentation'],
  ['fc00::/7', 'unique-local'],
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'reserved'], // site-local, deprecated
  ['ff00::/8', 'multicast'],
].map(([c, k]) => [c, k] as [string, Exclude<AddressClass, 'public'>]);

const BLOCKED: Array<[Cidr, Exclude<AddressClass, 'public'>]> = RANGES.map(([c, k]) => [parseCidr(c)!, k]);

/** The IPv4 address an IPv6 address carries, for the forms that route to it: IPv4-mapped
 * (::ffff:a.b.c.d), NAT64 (64:ff9b::/96) and 6to4 (2002::/16). */
export function embeddedIPv4(ip: IpAddress): IpAddress | null {
  if (ip.family !== 6) return null;
  const b = ip.bytes;
  const zeros = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return { family: 4, bytes: b.slice(12, 16) };
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zeros(4, 12)) return { family: 4, bytes: b.slice(12, 16) };
  if (b[0] === 0x20 && b[1] === 0x02) return { family: 4, bytes: b.slice(2, 6) };
  return null;
}

export function classifyAddress(ip: IpAddress): AddressClass {
  const inner = embeddedIPv4(ip);
  if (inner) return classifyAddress(inner);
  for (const [cidr, kind] of BLOCKED) if (cidrContains(cidr, ip)) return kind;
  return 'public';
}

export interface TargetPolicyOptions {
  /** CIDRs that may be reached even though they are not public (e.g. 127.0.0.0/8 for tests). */
  allowedCidrs: readonly string[];
  /** Development switch: every address may be reached. */
  allowPrivate: boolean;
}

export type TargetVerdict = { allowed: true } | { allowed: false; address: string; kind: Exclude<AddressClass, 'public'> };

/** Decides which addresses webhooks may be sent to. Public unicast always; anything else only
 * when the allow-list covers it or the development switch is on. */
export class TargetPolicy {
  private readonly allowed: Cidr[];

  constructor(private readonly options: TargetPolicyOptions) {
    this.allowed = options.allowedCidrs.map((c) => {
      const cidr = parseCidr(c);
      if (!cidr) throw new Error(`not a CIDR: ${c}`);
      return cidr;
    });
  }

  static readonly denyAll = new TargetPolicy({ allowedCidrs: [], allowPrivate: false });

  check(ip: IpAddress): TargetVerdict {
    if (this.options.allowPrivate) return { allowed: true };
    const kind = classifyAddress(ip);
    if (kind === 'public') return { allowed: true };
    const plain = embeddedIPv4(ip) ?? ip;
    if (this.allowed.some((c) => cidrContains(c, plain) || cidrContains(c, ip))) return { allowed: true };
    return { allowed: false, address: formatIp(plain), kind };
  }

  /** Checks a textual address (any spelling). A string that is not an address is a name: null. */
  checkText(text: string): TargetVerdict | null {
    const ip = parseIpAddress(text);
    return ip ? this.check(ip) : null;
  }
}

/** Names that always mean this machine, whatever DNS says. */
export function isLocalName(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, '');
  return h === 'localhost' || h.endsWith('.localhost') || h === 'localhost.localdomain';
}

/** Raised when a destination is refused; carries no secret, only the address and why. */
export class BlockedTargetError extends Error {
  readonly code = 'ERR_BLOCKED_TARGET';
  constructor(
    readonly host: string,
    readonly address: string,
    readonly kind: string,
  ) {
    super(`destination ${host}${address && address !== host ? ` (${address})` : ''} is a ${kind} address and is not allowed`);
    this.name = 'BlockedTargetError';
  }
}

export function splitCidrList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
