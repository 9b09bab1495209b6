/**
 * Mail authentication: DKIM keys per domain and the signer the outbound queue
 * calls; the MX's inbound checks (SPF, DKIM, ARC, DMARC with `mailauth`), the
 * receiving policy (DMARC reject/quarantine, anti-spoofing) and the
 * `Authentication-Results` header; the DNS records a domain must publish.
 */
export {
  createDkimKeys,
  type DkimKeyInfo,
  type DkimKeys,
  type DkimKeysDeps,
  type SigningKey,
} from './dkim-keys.js';
export { createDkimSigner, type DkimSigner, type DkimSignerDeps } from './dkim-signer.js';
export {
  checkDomainDns,
  type DnsRecordCheck,
  type DomainDnsReport,
  mtaStsPolicy,
  type RecordStatus,
} from './dns-records.js';
export { createDomainMailAuth, type DomainMailAuth, type DomainMailAuthDeps } from './domain-service.js';
export { createInboundAuth, type InboundAuth, type InboundAuthDeps, type InboundVerdict } from './inbound.js';
export { decide, type PolicyDecision, type PolicyOptions } from './policy.js';
export type { DnsResolve } from './resolver.js';
export type { AuthResults, DkimOutcome } from './results.js';
export { arHeader, checkSpf, type SmtpClientFacts, verifyMessage } from './verify.js';
