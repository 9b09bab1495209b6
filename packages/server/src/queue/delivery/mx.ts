import { randomInt } from 'node:crypto';
import { isIP } from 'node:net';
import type { DnsResolver, MxRecord } from '../../dns/index.js';
import { isDnsError } from '../../dns/index.js';
import { localVerdict, type Verdict } from './classify.js';

/** An MX host in the order it is to be tried. */
export interface MxHost {
  /** The exchange's name (what MTA-STS matches and TLS verifies). */
  name: string;
  priority: number;
  /** True when the domain has no MX and its own address records stand in (RFC 5321 §5.1). */
  implicit: boolean;
}

/** The hosts to try for a domain, or a verdict for every recipient when there is nowhere to send. */
export type MxPlan = { hosts: MxHost[] } | { verdict: Verdict };

/**
 * RFC 5321 §5.1: the domain's MX records in preference order (lowest first),
 * records of equal preference shuffled so load spreads across them; a domain
 * without MX records is its own MX (the "implicit MX"). RFC 7505: a domain
 * whose only MX is "." accepts no mail — failed at once, 5.1.10. NXDOMAIN is
 * permanent (5.1.2); a lookup that fails or times out is transient (4.4.3).
 */
export async function planMx(domain: string, dns: DnsResolver): Promise<MxPlan> {
  let records: MxRecord[];
  try {
    records = (await dns.resolve(domain, 'MX')) as MxRecord[];
  } catch (err) {
    if (isDnsError(err, 'ENODATA')) return { hosts: [{ name: domain, priority: 0, implicit: true }] };
    if (isDnsError(err, 'ENOTFOUND')) {
      return {
        verdict: localVerdict('failed', '5.1.2', `domain ${domain} does not exist (DNS: no such name)`),
      };
    }
    return { verdict: dnsTrouble(domain, 'MX', err) };
  }
  const real = records.filter((r) => r.exchange !== '' && r.exchange !== '.');
  if (real.length === 0) {
    if (records.length > 0) {
      return {
        verdict: localVerdict('failed', '5.1.10', `domain ${domain} accepts no mail (null MX, RFC 7505)`),
      };
    }
    return { hosts: [{ name: domain, priority: 0, implicit: true }] };
  }
  return {
    hosts: orderByPreference(real).map((r) => ({
      name: r.exchange.toLowerCase(),
      priority: r.priority,
      implicit: false,
    })),
  };
}

/** Sorts by preference, shuffling records of equal preference (Fisher–Yates within each group). */
export function orderByPreference(records: MxRecord[]): MxRecord[] {
  const groups = new Map<number, MxRecord[]>();
  for (const r of records) groups.set(r.priority, [...(groups.get(r.priority) ?? []), r]);
  return [...groups.keys()]
    .sort((a, b) => a - b)
    .flatMap((p) => {
      const group = [...(groups.get(p) ?? [])];
      for (let i = group.length - 1; i > 0; i--) {
        const j = randomInt(0, i + 1);
        [group[i], group[j]] = [group[j] as MxRecord, group[i] as MxRecord];
      }
      return group;
    });
}

/** Which address families to use: `outbound.ipFamily`. */
export type IpFamily = 'any' | 'ipv4' | 'ipv6';

/**
 * The addresses of one MX host in the order to try: IPv6 before IPv4 when
 * both are allowed (RFC 6724's default preference). A host with no address
 * of an allowed family gives an empty list; a DNS failure is thrown.
 */
export async function hostAddresses(name: string, family: IpFamily, dns: DnsResolver): Promise<string[]> {
  // An address given as the host (a smarthost by IP, as ISPs hand them out) is its own answer.
  const literal = name.replace(/^\[|\]$/g, '');
  const version = isIP(literal);
  if (version !== 0) return (version === 4 ? family !== 'ipv6' : family !== 'ipv4') ? [literal] : [];
  const types: ('AAAA' | 'A')[] = family === 'ipv4' ? ['A'] : family === 'ipv6' ? ['AAAA'] : ['AAAA', 'A'];
  const out: string[] = [];
  let failure: unknown = null;
  for (const type of types) {
    try {
      out.push(...((await dns.resolve(name, type)) as string[]));
    } catch (err) {
      if (!isDnsError(err, 'ENODATA', 'ENOTFOUND')) failure = err;
    }
  }
  if (out.length === 0 && failure) throw failure;
  return out;
}

/** A transient verdict for a DNS lookup that failed (SERVFAIL, timeout …). */
export function dnsTrouble(name: string, type: string, err: unknown): Verdict {
  const code = (err as { code?: string }).code ?? 'error';
  return localVerdict(
    'deferred',
    '4.4.3',
    `DNS lookup of ${type} for ${name} failed (${code}); will try again`,
  );
}
