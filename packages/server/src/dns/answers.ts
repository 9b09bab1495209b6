import type { Answer, DecodedPacket } from 'dns-packet';
import type { DnsErrorCode, DnsRecordType } from './errors.js';

/** An MX record as node:dns returns it. */
export interface MxRecord {
  exchange: string;
  priority: number;
}

/** What one answer means for the question asked. */
export type Interpreted =
  | { kind: 'records'; records: unknown[]; ttl: number }
  | { kind: 'negative'; code: 'ENOTFOUND' | 'ENODATA'; ttl: number | null }
  /** The name is an alias whose target's records the server did not include: ask for the target. */
  | { kind: 'alias'; target: string; ttl: number }
  | { kind: 'error'; code: DnsErrorCode };

/** A chain of aliases longer than this is treated as a broken answer. */
const MAX_CNAME_CHAIN = 8;

/**
 * Reads a server's answer to `name`/`type`: the records in node:dns's shapes
 * and the lifetime they may be cached for (the smallest TTL of the records and
 * of any CNAME followed to reach them), or a negative answer with its TTL from
 * the SOA in the authority section (RFC 2308 §5: min(SOA TTL, SOA MINIMUM)).
 */
export function interpretAnswer(packet: DecodedPacket, name: string, type: DnsRecordType): Interpreted {
  const rcode = (packet as { rcode?: string }).rcode ?? 'NOERROR';
  if (rcode === 'NXDOMAIN') return { kind: 'negative', code: 'ENOTFOUND', ttl: negativeTtl(packet) };
  if (rcode === 'SERVFAIL') return { kind: 'error', code: 'ESERVFAIL' };
  if (rcode === 'REFUSED') return { kind: 'error', code: 'EREFUSED' };
  if (rcode === 'NOTIMP') return { kind: 'error', code: 'ENOTIMP' };
  if (rcode !== 'NOERROR') return { kind: 'error', code: 'EBADRESP' };
  const answers = packet.answers ?? [];
  let current = name.toLowerCase();
  let ttl = Number.POSITIVE_INFINITY;
  for (let hop = 0; hop <= MAX_CNAME_CHAIN; hop++) {
    const owned = answers.filter((a) => a.name.toLowerCase() === current);
    const wanted = owned.filter((a) => a.type === type);
    if (wanted.length > 0) {
      for (const a of wanted) ttl = Math.min(ttl, ttlOf(a));
      return { kind: 'records', records: wanted.map(toNodeShape), ttl };
    }
    const alias = owned.find((a) => a.type === 'CNAME');
    if (!alias || type === 'CNAME') break;
    ttl = Math.min(ttl, ttlOf(alias));
    current = String((alias as { data?: unknown }).data).toLowerCase();
    if (!answers.some((a) => a.name.toLowerCase() === current))
      return { kind: 'alias', target: current, ttl };
  }
  return { kind: 'negative', code: 'ENODATA', ttl: negativeTtl(packet) };
}

function ttlOf(a: Answer): number {
  return 'ttl' in a && typeof a.ttl === 'number' ? a.ttl : 0;
}

function negativeTtl(packet: DecodedPacket): number | null {
  const soa = (packet.authorities ?? []).find((a) => a.type === 'SOA');
  if (soa?.type !== 'SOA') return null;
  return Math.min(ttlOf(soa), soa.data.minimum ?? 0);
}

/** The shapes of node:dns `resolve`: strings for A/AAAA/CNAME/PTR, {exchange, priority} for MX, chunks for TXT. */
function toNodeShape(a: Answer): unknown {
  switch (a.type) {
    case 'MX':
      // RFC 7505: the null MX's exchange is the root "."; node:dns gives ''.
      return {
        exchange: a.data.exchange === '.' ? '' : a.data.exchange,
        priority: a.data.preference ?? 0,
      } satisfies MxRecord;
    case 'TXT': {
      const chunks = Array.isArray(a.data) ? a.data : [a.data];
      return chunks.map((c) => (typeof c === 'string' ? c : c.toString('utf8')));
    }
    default: {
      const data = (a as { data?: unknown }).data;
      return typeof data === 'string' ? data : String(data);
    }
  }
}
