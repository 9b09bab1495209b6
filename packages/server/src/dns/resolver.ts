import { domainToASCII } from 'node:url';
import type { DnsConfig } from '../config/dns-schema.js';
import { interpretAnswer } from './answers.js';
import { DnsCache } from './cache.js';
import { type DnsErrorCode, type DnsRecordType, dnsError } from './errors.js';
import { type DnsServer, parseDnsServers } from './servers.js';
import { queryServer, WireError } from './wire.js';

/**
 * One resolver for outbound delivery and for mailauth. `resolve` has the shape
 * of node:dns `promises.resolve` (it is a bound function, so it can be passed
 * alone: `authenticate(message, { resolver: dns.resolve })`); answers come in
 * node:dns's shapes (A/AAAA/CNAME/PTR: strings; MX: `{ exchange, priority }`,
 * the null MX's exchange is ''; TXT: arrays of chunks), cached by TTL; errors
 * carry node:dns codes (ENOTFOUND, ENODATA, ESERVFAIL, ETIMEOUT …).
 */
export interface DnsResolver {
  resolve(name: string, rrtype: DnsRecordType, options?: ResolveOptions): Promise<unknown[]>;
}

/** How one question is asked. */
export interface ResolveOptions {
  /**
   * Ask the servers even when the cache has an answer (the answer still goes
   * into the cache): an admin checking a record they just published must not
   * be shown the "missing" we cached minutes ago.
   */
  fresh?: boolean;
}

/** What a resolver is built from. */
export interface DnsResolverDeps {
  config: DnsConfig;
  /** Clock for the cache (milliseconds); tests move it instead of sleeping. */
  now?: () => number;
}

const TYPES = new Set<string>(['MX', 'A', 'AAAA', 'TXT', 'CNAME', 'PTR']);

/** Aliases followed across separate queries before the answer counts as broken. */
const MAX_ALIAS_QUERIES = 8;

/** Builds the resolver: the configured servers tried in order, a TTL cache, one query in flight per question. */
export function createDnsResolver({ config, now = Date.now }: DnsResolverDeps): DnsResolver {
  const servers = parseDnsServers(config.servers);
  const cache = new DnsCache(
    {
      size: config.cacheSize,
      minTtl: config.minTtlSeconds,
      maxTtl: config.maxTtlSeconds,
      maxNegativeTtl: config.maxNegativeTtlSeconds,
    },
    now,
  );
  const inFlight = new Map<string, Promise<unknown[]>>();

  const resolve = async (
    name: string,
    rrtype: DnsRecordType = 'A',
    options?: ResolveOptions,
  ): Promise<unknown[]> => {
    const type = String(rrtype).toUpperCase() as DnsRecordType;
    const host = normalizeName(name);
    if (!TYPES.has(type)) throw dnsError('ENOTIMP', type, name);
    if (!host) throw dnsError('ENOTFOUND', type, name);
    const key = `${type} ${host}`;
    const cached = options?.fresh ? undefined : cache.get(key);
    if (cached) {
      if ('records' in cached) return structuredClone(cached.records);
      throw dnsError(cached.negative, type, name);
    }
    // A fresh question shares only another fresh one's query: a cached-answer one may have started before the change.
    const flight = options?.fresh ? `fresh ${key}` : key;
    let pending = inFlight.get(flight);
    if (!pending) {
      pending = lookup({ servers, timeoutMs: config.timeoutMs, cache }, host, type, 0).finally(() =>
        inFlight.delete(flight),
      );
      inFlight.set(flight, pending);
    }
    try {
      return structuredClone(await pending);
    } catch (err) {
      throw dnsError((err as { code: DnsErrorCode }).code, type, name);
    }
  };
  return { resolve };
}

/** Lower case, no trailing dot, A-labels (IDNA) — the form DNS compares and the cache keys on. */
function normalizeName(name: string): string {
  const trimmed = String(name).trim().replace(/\.$/, '').toLowerCase();
  if (/^[\x21-\x7e]*$/.test(trimmed)) return trimmed;
  return domainToASCII(trimmed);
}

interface LookupContext {
  servers: DnsServer[];
  timeoutMs: number;
  cache: DnsCache;
}

/**
 * Asks each server in turn until one gives a usable answer: a server that
 * times out, cannot be reached, fails (SERVFAIL) or refuses is skipped, and
 * the last such failure is what the caller sees when none answers.
 */
async function lookup(
  ctx: LookupContext,
  host: string,
  type: DnsRecordType,
  depth: number,
): Promise<unknown[]> {
  const { servers, timeoutMs, cache } = ctx;
  const key = `${type} ${host}`;
  if (depth > 0) {
    const cached = cache.get(key);
    if (cached && 'records' in cached) return cached.records;
    if (cached) throw { code: cached.negative };
  }
  let failure: DnsErrorCode = 'ETIMEOUT';
  for (const server of servers) {
    let packet: Awaited<ReturnType<typeof queryServer>>;
    try {
      packet = await queryServer(server, host, type, timeoutMs);
    } catch (err) {
      failure = codeOfWireError(err);
      continue;
    }
    const meaning = interpretAnswer(packet, host, type);
    if (meaning.kind === 'records') {
      cache.setRecords(key, meaning.records, meaning.ttl);
      return meaning.records;
    }
    if (meaning.kind === 'alias') {
      // A resolver that answers with only the CNAME (unbound does, for its local data): follow it ourselves.
      if (depth >= MAX_ALIAS_QUERIES) throw { code: 'EBADRESP' };
      const records = await lookup(ctx, meaning.target, type, depth + 1);
      cache.setRecords(key, records, meaning.ttl);
      return records;
    }
    if (meaning.kind === 'negative') {
      cache.setNegative(key, meaning.code, meaning.ttl);
      throw { code: meaning.code };
    }
    failure = meaning.code;
  }
  throw { code: failure };
}

function codeOfWireError(err: unknown): DnsErrorCode {
  if (err instanceof WireError) {
    if (err.reason === 'timeout') return 'ETIMEOUT';
    if (err.reason === 'badresp') return 'EBADRESP';
  }
  return 'ECONNREFUSED';
}
