import { promises as dns } from 'node:dns';

/** Looks up a PTR name; resolves '' on failure or after `timeoutMs`, never rejects. */
export type ReverseLookup = (ip: string) => Promise<string>;

// A PTR answer is controlled by whoever owns the IP: only accept hostname-shaped values.
const HOSTNAME_RE =
  /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

/** How long a PTR answer is reused: a found name, and the absence of one (as a resolver's negative cache would). */
const FOUND_TTL_MS = 5 * 60 * 1000;
const MISSING_TTL_MS = 60 * 1000;
/** Most addresses remembered; the oldest entry goes first. */
const MAX_ENTRIES = 10_000;

export interface ReverseLookupOptions {
  /** The resolver; defaults to the system's DNS servers. */
  reverse?: (ip: string) => Promise<string[]>;
  /** Most addresses whose answer is kept; 0 turns the cache off. */
  maxEntries?: number;
  now?: () => number;
}

/**
 * PTR lookups run beside the session, not before the greeting: the result
 * is only needed for the Received header at DATA time, and a slow resolver
 * must never stall a client (smtp-server would wait up to 1.5 s to greet).
 * Answers are cached per address (5 min found, 1 min not found), and
 * connections from one address while its lookup runs share that lookup: a
 * sending host opens many connections in a row, and this process may have no
 * caching resolver in front of it.
 */
export function createReverseLookup(timeoutMs: number, options: ReverseLookupOptions = {}): ReverseLookup {
  const reverse = options.reverse ?? ((ip: string) => dns.reverse(ip));
  const maxEntries = options.maxEntries ?? MAX_ENTRIES;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { name: Promise<string>; expires: number }>();

  async function lookup(ip: string): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(''), timeoutMs);
      timer.unref();
    });
    const answer = reverse(ip)
      .then((names) => (names[0] && HOSTNAME_RE.test(names[0]) ? names[0] : ''))
      .catch(() => '');
    try {
      return await Promise.race([answer, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  return (ip) => {
    if (timeoutMs <= 0) return Promise.resolve('');
    if (maxEntries <= 0) return lookup(ip);
    const hit = cache.get(ip);
    if (hit && hit.expires > now()) return hit.name;
    cache.delete(ip);
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
    // In flight: shared, and kept until it settles (a hung resolver is bounded by the timeout).
    const entry = { name: lookup(ip), expires: Number.POSITIVE_INFINITY };
    cache.set(ip, entry);
    entry.name.then((name) => {
      entry.expires = now() + (name ? FOUND_TTL_MS : MISSING_TTL_MS);
    });
    return entry.name;
  };
}
