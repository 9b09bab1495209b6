import net from 'node:net';
import { ipNetworkError, splitIpList } from '../shared/index.js';

/** A set of client addresses and networks, e.g. `10.0.0.0/8, 192.0.2.7, 2001:db8::/32`. */
export interface AddressList {
  /** Whether `address` (IPv4, IPv6 or IPv4-mapped IPv6) is in the list. */
  has(address: string): boolean;
  /** The entries as given, for logs and messages. */
  readonly entries: readonly string[];
}

/** The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:192.0.2.1`), or the address as it is. */
export function unmapIPv4(address: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m ? (m[1] as string) : address;
}

/**
 * Parses `a, b/n, …` into an {@link AddressList} (node's `net.BlockList`: exact
 * addresses and CIDR networks, IPv4 and IPv6). Throws on an entry that is neither.
 */
export function parseAddressList(text: string): AddressList {
  const entries = splitIpList(text);
  const list = new net.BlockList();
  for (const entry of entries) {
    const error = ipNetworkError(entry);
    if (error) throw new Error(error);
    const [ip = '', prefix] = entry.split('/');
    const type = net.isIP(ip) === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(ip, type);
    else list.addSubnet(ip, Number(prefix), type);
  }
  return {
    entries,
    has(address) {
      if (entries.length === 0) return false;
      const ip = unmapIPv4(address);
      const family = net.isIP(ip);
      if (family === 0) return false;
      return list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

/** The 8 groups of 16 bits of an IPv6 address (a trailing dotted quad, as in `64:ff9b::192.0.2.1`, is two). */
function ipv6Groups(address: string): number[] {
  const dotted = (g: string): string[] => {
    if (!g.includes('.')) return [g];
    const [a = 0, b = 0, c = 0, d = 0] = g.split('.').map(Number);
    return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
  };
  const side = (s: string | undefined) => (s ? s.split(':').flatMap(dotted) : []);
  const [head, tail] = address.split('%')[0]?.split('::') ?? [];
  const left = side(head);
  const right = side(tail);
  const middle = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...middle, ...right].map((g) => Number.parseInt(g, 16) || 0);
}

/**
 * The key a client's connections are counted under: its IPv4 address, or the
 * network of `ipv6PrefixLength` bits its IPv6 address is in (one host usually
 * has a whole /64 to pick addresses from, so counting single IPv6 addresses
 * would limit nothing). Anything else (a Unix socket) is its own key.
 */
export function clientKey(address: string, ipv6PrefixLength = 64): string {
  const ip = unmapIPv4(address.trim().toLowerCase());
  if (net.isIP(ip) !== 6) return ip;
  const groups = ipv6Groups(ip);
  const out: string[] = [];
  for (let i = 0, bits = ipv6PrefixLength; i < 8; i++, bits -= 16) {
    const keep = Math.max(0, Math.min(16, bits));
    const mask = keep === 0 ? 0 : (0xffff << (16 - keep)) & 0xffff;
    out.push(((groups[i] ?? 0) & mask).toString(16));
  }
  return `${out.join(':')}/${ipv6PrefixLength}`;
}
