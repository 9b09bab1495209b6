import net from 'node:net';
import type { RdnsFeatureInput } from './mail-features.js';

/** The resolver's shape (`dns/`'s DnsResolver): node:dns answers, errors with node:dns codes. */
export type ResolveRecords = (name: string, rrtype: 'A' | 'AAAA' | 'PTR') => Promise<unknown[]>;

export interface RdnsCheckDeps {
  resolve: ResolveRecords;
  /** Clients never checked (`mailAuth.trustedNetworks`): our own relays and the loopback. */
  trusted: (ip: string) => boolean;
  /** Longest wait for the answers; past it the client counts as not checked (no feature). */
  timeoutMs: number;
}

/** Checks a client's reverse DNS; null when not checked (trusted, not an IP, a DNS failure, too slow). */
export type RdnsCheck = (ip: string) => Promise<RdnsFeatureInput | null>;

// A PTR answer is controlled by whoever owns the IP: only hostname-shaped names count.
const HOSTNAME_RE =
  /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?)+$/;
/** PTR names tried for a forward match: a host has one or two, a long list is not worth the lookups. */
const MAX_NAMES = 3;

/** The PTR query name of an address (RFC 1035 §3.5 in-addr.arpa; RFC 3596 §2.5 ip6.arpa nibbles). */
export function reverseName(ip: string): string | null {
  const v4 = /^(?:::ffff:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
  if (v4 && net.isIPv4(v4)) return `${v4.split('.').reverse().join('.')}.in-addr.arpa`;
  if (!net.isIPv6(ip)) return null;
  // Expand to 32 nibbles: split at "::", pad the groups to four digits.
  const [head = '', tail] = ip.toLowerCase().split('::');
  const groups = (s: string) => (s ? s.split(':') : []);
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const missing = 8 - left.length - right.length;
  const all = [...left, ...Array(Math.max(0, missing)).fill('0'), ...right];
  if (all.length !== 8) return null;
  const hex = all.map((g) => g.padStart(4, '0')).join('');
  return `${[...hex].reverse().join('.')}.ip6.arpa`;
}

/** DNS errors that mean "there is no such record" (as opposed to "could not ask"). */
const ABSENT = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN']);
const isAbsent = (err: unknown) => ABSENT.has((err as { code?: string } | null)?.code ?? '');

async function forwardMatches(resolve: ResolveRecords, name: string, ip: string): Promise<boolean> {
  const v4 = /^(?:::ffff:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
  const addresses = await resolve(name, v4 ? 'A' : 'AAAA').catch((err: unknown) => {
    if (isAbsent(err)) return [] as unknown[];
    throw err;
  });
  const want = v4 ?? ip.toLowerCase();
  if (v4) return addresses.some((a) => a === want);
  // IPv6 answers may be written another way (zeros compressed differently): compare expanded forms.
  return addresses.some((a) => typeof a === 'string' && reverseName(a) === reverseName(want));
}

async function check(deps: RdnsCheckDeps, ip: string): Promise<RdnsFeatureInput | null> {
  const query = reverseName(ip);
  if (!query) return null;
  let names: string[];
  try {
    names = (await deps.resolve(query, 'PTR'))
      .filter((n): n is string => typeof n === 'string')
      .map((n) => n.toLowerCase().replace(/\.$/, ''));
  } catch (err) {
    // A server failure or timeout says nothing about the client: no feature.
    if (isAbsent(err)) return { status: 'none', name: '' };
    return null;
  }
  const valid = names.filter((n) => HOSTNAME_RE.test(n)).slice(0, MAX_NAMES);
  if (valid.length === 0) return { status: 'none', name: '' };
  // Forward-confirmed (FCrDNS): one of the names resolves back to the client's address.
  for (const name of valid) {
    try {
      if (await forwardMatches(deps.resolve, name, ip)) return { status: 'confirmed', name };
    } catch {
      return null;
    }
  }
  return { status: 'mismatch', name: valid[0] as string };
}

/**
 * The reverse-DNS check of the filter's mail features: PTR through the
 * server's one cached resolver (`dns/`), then the name's A/AAAA back to the
 * address. Never rejects; bounded by `timeoutMs`.
 */
export function createRdnsCheck(deps: RdnsCheckDeps): RdnsCheck {
  return async (ip) => {
    if (!ip || deps.trusted(ip)) return null;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), deps.timeoutMs);
      timer.unref();
    });
    try {
      return await Promise.race([check(deps, ip).catch(() => null), late]);
    } finally {
      clearTimeout(timer);
    }
  };
}
