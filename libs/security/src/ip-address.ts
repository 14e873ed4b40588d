/** IP address parsing and CIDR matching on raw bytes, so every spelling of an address
 * (`0x7f000001`, `2130706433`, `017700000001`, `::ffff:127.0.0.1`) compares the same. */

export interface IpAddress {
  family: 4 | 6;
  /** 4 or 16 bytes, network order. */
  bytes: Uint8Array;
}

/** IPv4 the way inet_aton (and the WHATWG URL parser) reads it: 1 to 4 parts, each decimal,
 * 0x-hex or 0-leading octal; the last part fills the remaining bytes. */
export function parseIPv4Loose(text: string): IpAddress | null {
  if (text.length === 0 || text.length > 64) return null;
  const parts = text.split('.');
  if (parts[parts.length - 1] === '' && parts.length > 1) parts.pop(); // a trailing dot, as URLs allow
  if (parts.length < 1 || parts.length > 4) return null;
  const nums: number[] = [];
  for (const p of parts) {
    let n: number;
    if (/^0[xX][0-9a-fA-F]*$/.test(p)) n = p.length === 2 ? 0 : parseInt(p.slice(2), 16);
    else if (/^0[0-7]+$/.test(p)) n = parseInt(p.slice(1), 8);
    else if (/^(0|[1-9][0-9]*)$/.test(p)) n = Number(p);
    else return null;
    if (!Number.isSafeInteger(n)) return null;
    nums.push(n);
  }
  const last = nums.pop()!;
  if (nums.some((n) => n > 255)) return null;
  if (last >= 256 ** (4 - nums.length)) return null;
  const bytes = new Uint8Array(4);
  nums.forEach((n, i) => (bytes[i] = n));
  let rest = last;
  for (let i = 3; i >= nums.length; i--) {
    bytes[i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  return { family: 4, bytes };
}

/** IPv6 text (brackets and a zone id allowed), including an embedded dotted IPv4 tail. */
export function parseIPv6(text: string): IpAddress | null {
  let t = text;
  if (t.startsWith('[') && t.endsWith(']')) t = t.slice(1, -1);
  const zone = t.indexOf('%');
  if (zone >= 0) t = t.slice(0, zone);
  if (!t.includes(':') || t.length > 45) return null;
  const lastColon = t.lastIndexOf(':');
  const maybeV4 = t.slice(lastColon + 1);
  if (maybeV4.includes('.')) {
    // An embedded dotted IPv4 tail becomes its two hex groups.
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(maybeV4)) return null;
    const o = maybeV4.split('.').map(Number);
    if (o.some((x) => x > 255)) return null;
    t = `${t.slice(0, lastColon + 1)}${((o[0]! << 8) | o[1]!).toString(16)}:${((o[2]! << 8) | o[3]!).toString(16)}`;
  }
  const halves = t.split('::');
  if (halves.length > 2) return null;
  const group = (s: string) => (s === '' ? [] : s.split(':'));
  const head = group(halves[0]!);
  const rear = halves.length === 2 ? group(halves[1]!) : [];
  const all = [...head, ...rear];
  if (all.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return null;
  let words: number[];
  if (halves.length === 2) {
    const gap = 8 - all.length;
    if (gap < 1) return null;
    words = [...head.map((g) => parseInt(g, 16)), ...new Array<number>(gap).fill(0), ...rear.map((g) => parseInt(g, 16))];
  } else {
    if (all.length !== 8) return null;
    words = all.map((g) => parseInt(g, 16));
  }
  const bytes = new Uint8Array(16);
  words.forEach((w, i) => {
    bytes[2 * i] = w >> 8;
    bytes[2 * i + 1] = w & 0xff;
  });
  return { family: 6, bytes };
}

/** Any spelling of an IP address, or null for a name. */
export function parseIpAddress(text: string): IpAddress | null {
  return text.includes(':') ? parseIPv6(text) : parseIPv4Loose(text);
}

export function formatIp(ip: IpAddress): string {
  if (ip.family === 4) return Array.from(ip.bytes).join('.');
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2) words.push(((ip.bytes[i]! << 8) | ip.bytes[i + 1]!).toString(16));
  return words.join(':');
}

export interface Cidr {
  family: 4 | 6;
  bytes: Uint8Array;
  prefix: number;
}

export function parseCidr(text: string): Cidr | null {
  const [addr, len, extra] = text.trim().split('/');
  if (extra !== undefined || !addr) return null;
  const ip = addr.includes(':') ? parseIPv6(addr) : /^\d{1,3}(\.\d{1,3}){3}$/.test(addr) ? parseIPv4Loose(addr) : null;
  if (!ip) return null;
  const max = ip.family === 4 ? 32 : 128;
  const prefix = len === undefined ? max : /^\d{1,3}$/.test(len) ? Number(len) : NaN;
  if (!(prefix >= 0 && prefix <= max)) return null;
  return { family: ip.family, bytes: ip.bytes, prefix };
}

export function cidrContains(cidr: Cidr, ip: IpAddress): boolean {
  if (cidr.family !== ip.family) return false;
  const full = Math.floor(cidr.prefix / 8);
  for (let i = 0; i < full; i++) if (cidr.bytes[i] !== ip.bytes[i]) return false;
  const bits = cidr.prefix % 8;
  if (bits === 0) return true;
  const mask = (0xff << (8 - bits)) & 0xff;
  return (cidr.bytes[full]! & mask) === (ip.bytes[full]! & mask);
}
