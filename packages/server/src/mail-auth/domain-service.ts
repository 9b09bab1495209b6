import type { DkimKeyInfo, DkimKeys } from './dkim-keys.js';
import { checkDomainDns, type DnsRecordsOptions, type DomainDnsReport, mtaStsPolicy } from './dns-records.js';
import type { DnsResolve } from './resolver.js';

/** What the API and the CLI do with a domain's mail authentication. */
export interface DomainMailAuth {
  /** Every record to publish, checked against DNS now. DOMAIN_NOT_FOUND for an unknown domain. */
  dnsReport(domain: string): Promise<DomainDnsReport>;
  /** A new DKIM key, active at once (publish its record; the old one may stay until mail signed with it has arrived). */
  rotateDkim(domain: string): Promise<DkimKeyInfo>;
  /** The MTA-STS policy text for `mta-sts.<domain>` (for a route serving it; none is wired yet), or null when the domain is not ours. */
  mtaStsPolicyFor(domain: string): Promise<string | null>;
}

export interface DomainMailAuthDeps {
  keys: DkimKeys;
  resolve: DnsResolve;
  hostname: string;
  mtaStsMode: DnsRecordsOptions['mtaStsMode'];
  isLocalDomain(domain: string): Promise<boolean>;
}

export function createDomainMailAuth(deps: DomainMailAuthDeps): DomainMailAuth {
  return {
    async dnsReport(domain) {
      const dkim = await deps.keys.active(domain);
      return checkDomainDns({
        domain: domain.toLowerCase(),
        hostname: deps.hostname,
        dkim,
        mtaStsMode: deps.mtaStsMode,
        resolve: deps.resolve,
      });
    },
    rotateDkim: (domain) => deps.keys.rotate(domain),
    async mtaStsPolicyFor(domain) {
      return (await deps.isLocalDomain(domain)) ? mtaStsPolicy(deps.hostname, deps.mtaStsMode) : null;
    },
  };
}
