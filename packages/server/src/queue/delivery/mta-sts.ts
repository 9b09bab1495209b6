import { request } from 'node:https';
import type { MTASTSPolicy } from 'mailauth';
import { parsePolicy, resolvePolicy, validateMx } from 'mailauth/lib/mta-sts.js';
import type { DnsResolver } from '../../dns/index.js';
import { hostAddresses, type IpFamily } from './mx.js';

/** A domain's MTA-STS policy as delivery uses it. */
export interface StsPolicy {
  mode: 'enforce' | 'testing' | 'none';
  mx: string[];
  id: string;
}

/** What the MTA-STS checks need. */
export interface MtaStsDeps {
  dns: DnsResolver;
  /** HTTPS port of the policy host (443; tests use another). */
  port: number;
  family: IpFamily;
  timeoutMs?: number;
  now?: () => number;
  /** Trusted CAs for the policy host's certificate, if not only the system's (PEM). */
  ca?: string[] | undefined;
}

/** Largest policy file read (RFC 8461 §3.3 suggests senders bound it; 64 KiB is far above any real one). */
const MAX_POLICY_BYTES = 64 * 1024;

interface Cached {
  policy: StsPolicy;
  expiresAt: number;
}

/**
 * MTA-STS (RFC 8461) for outbound delivery. The `_mta-sts` TXT lookup and
 * the policy parser and MX matcher are mailauth's; the policy is fetched here
 * (not with mailauth's fetcher, which asks the system's DNS and port 443):
 * `https://mta-sts.<domain>/.well-known/mta-sts.txt` at the address our
 * resolver gives, with that name for SNI and certificate verification, no
 * redirects (§3.3). A policy is cached for its max_age and fetched again when
 * the TXT record's id changes (§5.1); when the TXT record or the fetch fails,
 * an unexpired cached policy still applies, else the domain is treated as
 * having none (§5.1, §8.2).
 */
export function createMtaSts(deps: MtaStsDeps) {
  const now = deps.now ?? Date.now;
  const cache = new Map<string, Cached>();
  const resolver = deps.dns.resolve as unknown as (
    name: string,
    rrtype: string,
  ) => Promise<string[][] | string[]>;

  async function policyFor(domain: string): Promise<StsPolicy | null> {
    const cached = cache.get(domain);
    const fresh = cached && cached.expiresAt > now() ? cached.policy : null;
    let id: string | false;
    try {
      id = await resolvePolicy(domain, { resolver });
    } catch {
      return fresh;
    }
    if (!id) return fresh;
    if (fresh && fresh.id === id) return fresh;
    try {
      const parsed = parsePolicy(await fetchPolicyText(domain));
      const policy: StsPolicy = { mode: parsed.mode, mx: parsed.mx ?? [], id };
      cache.set(domain, { policy, expiresAt: now() + (parsed.maxAge ?? 0) * 1000 });
      return policy;
    } catch {
      return fresh;
    }
  }

  async function fetchPolicyText(domain: string): Promise<string> {
    const servername = `mta-sts.${domain}`;
    const [address] = await hostAddresses(servername, deps.family, deps.dns);
    if (!address) throw new Error(`${servername} has no address`);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: address,
          port: deps.port,
          servername,
          path: '/.well-known/mta-sts.txt',
          headers: { host: servername },
          rejectUnauthorized: true,
          ...(deps.ca ? { ca: deps.ca } : {}),
          timeout: deps.timeoutMs ?? 15_000,
        },
        (res) => {
          if (res.statusCode !== 200) {
            res.resume();
            return reject(new Error(`policy fetch answered ${res.statusCode}`));
          }
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > MAX_POLICY_BYTES) req.destroy(new Error('policy too large'));
            else chunks.push(c);
          });
          res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error('policy fetch timed out')));
      req.on('error', reject);
      req.end();
    });
  }

  return {
    policyFor,
    /** True when `mx` is one of the policy's hosts (a "*." pattern matches by suffix, as mailauth checks it). */
    allows(policy: StsPolicy, mx: string): boolean {
      return validateMx(mx, policy as MTASTSPolicy).valid;
    },
  };
}

/** The MTA-STS checks: `policyFor` a domain, `allows` an MX. */
export type MtaSts = ReturnType<typeof createMtaSts>;
