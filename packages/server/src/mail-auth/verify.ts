import { isIP } from 'node:net';
import type { Readable } from 'node:stream';
import {
  type ARCData,
  type ARCResult,
  arc,
  type DNSResolver,
  dkimVerify,
  dmarc,
  type SPFResult,
  spf,
} from 'mailauth';
import type { DnsResolve } from './resolver.js';
import type { Checked } from './results.js';

/** What the SMTP session knows of the sending host (RFC 7208 §2.4: the check's inputs). */
export interface SmtpClientFacts {
  /** The client's IP address (IPv4-mapped IPv6 is unmapped by mailauth). */
  ip: string;
  /** The EHLO/HELO name as given. */
  helo: string;
  /** The MAIL FROM address; empty for the null sender (then `postmaster@<helo>` is checked, RFC 7208 §2.4). */
  mailFrom: string;
}

export interface VerifyDeps {
  resolve: DnsResolve;
  /** Our host name: the authserv-id of the header (RFC 8601 §2.5). */
  hostname: string;
}

/** mailauth's resolver option, typed as it declares it (answers are node:dns shapes either way). */
const asMailauth = (resolve: DnsResolve) => resolve as unknown as DNSResolver;

/** An address literal for HELO as mailauth expects it (`[192.0.2.1]`). */
const heloOf = (facts: SmtpClientFacts) =>
  !facts.helo ? `[${facts.ip}]` : isIP(facts.helo) ? `[${facts.helo}]` : facts.helo;

/**
 * SPF (RFC 7208) for the MAIL FROM identity, or for the HELO name with the
 * null sender. Started at MAIL FROM so its lookups overlap the transfer of
 * the message; never rejects (DNS trouble is `temperror`, per mailauth).
 */
export function checkSpf(deps: VerifyDeps, facts: SmtpClientFacts): Promise<SPFResult> {
  return spf({
    sender: facts.mailFrom || undefined,
    ip: facts.ip,
    helo: heloOf(facts),
    mta: deps.hostname,
    resolver: asMailauth(deps.resolve),
  });
}

/**
 * Verifies a message as it streams in: DKIM (RFC 6376) hashes the body on the
 * way; at its end ARC (RFC 8617) and DMARC (RFC 7489, with the SPF outcome of
 * MAIL FROM) run, and the `Authentication-Results` header (RFC 8601) is
 * built. `message` must be the bytes as the client sent them.
 */
export async function verifyMessage(
  deps: VerifyDeps,
  facts: SmtpClientFacts,
  message: Readable,
  spfResult: Promise<SPFResult>,
): Promise<Checked> {
  const resolver = asMailauth(deps.resolve);
  const dkim = await dkimVerify(message, { resolver, sender: facts.mailFrom || undefined });
  const spfOutcome = await spfResult;
  const arcOutcome: ARCResult | null = dkim.arc ? await arc(dkim.arc as ARCData, { resolver }) : null;
  const spfPass = spfOutcome.status.result === 'pass' && spfOutcome.domain ? [spfOutcome.domain] : [];
  const dmarcOutcome = dkim.headerFrom?.length
    ? await dmarc({
        headerFrom: dkim.headerFrom,
        spfDomains: spfPass,
        dkimDomains: (dkim.results ?? [])
          .filter((r) => r.status.result === 'pass')
          .map((r) => ({
            domain: r.signingDomain,
            aligned: r.status.aligned,
            underSized: r.status.underSized,
          })),
        arcResult: arcOutcome ?? undefined,
        resolver,
      })
    : false;
  const rows = [
    ...(dkim.results ?? []).map((r) => r.info),
    spfOutcome.info,
    arcOutcome?.info,
    dmarcOutcome ? dmarcOutcome.info : undefined,
  ].filter((r): r is string => !!r);
  return {
    spf: spfOutcome,
    dkim,
    arc: arcOutcome,
    dmarc: dmarcOutcome,
    header: arHeader(deps.hostname, rows),
  };
}

/**
 * One `Authentication-Results` field (RFC 8601 §2.2): our authserv-id, then one
 * resinfo per method, one per folded line so no line nears the 998-octet limit.
 */
export function arHeader(authservId: string, rows: readonly string[]): string {
  const body = rows.length > 0 ? rows.map((r) => r.replace(/\r?\n/g, ' ')).join(';\r\n\t') : 'none';
  return `Authentication-Results: ${authservId};\r\n\t${body}\r\n`;
}
