import type { Checked } from './results.js';

export interface PolicyOptions {
  /** Refuse DMARC failures of p=reject domains (`mailAuth.dmarcReject`). */
  dmarcReject: boolean;
  /** Junk DMARC failures of p=quarantine domains (`mailAuth.dmarcQuarantine`). */
  dmarcQuarantine: boolean;
  /** Refuse unauthenticated mail whose From is in a local domain (`mailAuth.antiSpoofing`). */
  antiSpoofing: boolean;
  isLocalDomain(domain: string): Promise<boolean>;
}

/** What happens to a checked message. `temporary`: a DNS failure kept us from knowing, ask again later. */
export type PolicyDecision =
  | { action: 'accept' | 'junk'; reason?: string }
  | { action: 'reject'; temporary: boolean; reason: string };

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1).toLowerCase();

/** `authenticated` is the From domain or a subdomain of it, or the other way round (relaxed alignment within one organization). */
function aligned(authenticated: string | null | undefined, from: string): boolean {
  if (!authenticated) return false;
  const a = authenticated.toLowerCase();
  return a === from || a.endsWith(`.${from}`) || from.endsWith(`.${a}`);
}

/**
 * Anti-spoofing: mail from outside that says it is from one of our own domains
 * must prove it, with an SPF or DKIM pass for that domain (what DMARC would ask
 * if the domain published a policy; most companies' own domain publishes
 * none). No pass because of a DNS failure is a temporary refusal.
 */
async function spoofed(checked: Checked, options: PolicyOptions): Promise<PolicyDecision | null> {
  for (const from of new Set((checked.dkim.headerFrom ?? []).map(domainOf))) {
    if (!(await options.isLocalDomain(from))) continue;
    const spf = checked.spf;
    const spfPass = spf?.status.result === 'pass' && aligned(spf.domain, from);
    const dkimPass = (checked.dkim.results ?? []).some(
      (r) => r.status.result === 'pass' && aligned(r.signingDomain, from),
    );
    if (spfPass || dkimPass) continue;
    const unsure = [spf?.status.result, ...(checked.dkim.results ?? []).map((r) => r.status.result)].includes(
      'temperror',
    );
    return {
      action: 'reject',
      temporary: unsure,
      reason: `From address in local domain ${from} is not authenticated (no aligned SPF or DKIM pass)`,
    };
  }
  return null;
}

/**
 * Applies the receiving policy to checked mail: anti-spoofing first, then the
 * From domain's DMARC policy (RFC 7489 §6.6.2): `reject` refuses the message
 * at DATA, `quarantine` delivers it to Junk. Failures of domains with
 * `p=none`, and every DNS trouble of DMARC, are delivered as usual with their
 * results in the header. `pct` is not sampled: a published policy applies to
 * every failing message.
 */
export async function decide(checked: Checked, options: PolicyOptions): Promise<PolicyDecision> {
  if (options.antiSpoofing) {
    const refusal = await spoofed(checked, options);
    if (refusal) return refusal;
  }
  const dmarc = checked.dmarc;
  if (dmarc && dmarc.status.result === 'fail') {
    const policy = (dmarc.policy || '').toLowerCase();
    if (policy === 'reject' && options.dmarcReject)
      return {
        action: 'reject',
        temporary: false,
        reason: `Rejected by the DMARC policy of ${dmarc.domain}`,
      };
    if (policy === 'quarantine' && options.dmarcQuarantine)
      return { action: 'junk', reason: `DMARC policy of ${dmarc.domain}: quarantine` };
  }
  return { action: 'accept' };
}
