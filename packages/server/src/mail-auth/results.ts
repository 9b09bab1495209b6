import type { ARCResult, DKIMVerifyResult, DMARCResult, SPFResult } from 'mailauth';

/** One DKIM signature's outcome (RFC 6376 §6.1). */
export interface DkimOutcome {
  result: string;
  /** The signature's `d=`; null for "no signature". */
  domain: string | null;
  selector: string | null;
  /** `d=` is the From domain or shares its organizational domain (RFC 7489 §3.1.1, relaxed). */
  aligned: boolean;
}

/**
 * What the MX found checking one inbound message: stored with it
 * (`message_auth_results`), shown in the REST message detail, and read by the
 * spam filter. `result` strings are RFC 8601's (`pass`, `fail`, `softfail`,
 * `neutral`, `none`, `temperror`, `permerror`).
 */
export interface AuthResults {
  spf: { result: string; domain: string | null };
  /** Every signature, in header order; empty when the message carries none. */
  dkim: DkimOutcome[];
  dmarc: { result: string; domain: string | null; policy: string | null };
  arc: { result: string };
  /** What was done with the message: delivered as usual, or to Junk (DMARC p=quarantine). */
  action: 'accept' | 'junk';
  /** The `Authentication-Results` header added above the message, unfolded, without its name. */
  header: string;
}

/** The mailauth outcomes of one message, before the policy is applied. */
export interface Checked {
  spf: SPFResult | null;
  dkim: DKIMVerifyResult;
  arc: ARCResult | null;
  dmarc: DMARCResult | false;
  /** The header line(s), CRLF-terminated, ready to prepend. */
  header: string;
}

/** Summarises mailauth's outcomes into the stored shape. */
export function summarize(checked: Checked, action: AuthResults['action']): AuthResults {
  const { spf, dkim, arc, dmarc } = checked;
  return {
    spf: { result: spf?.status.result ?? 'none', domain: spf?.domain || null },
    dkim: (dkim.results ?? [])
      .filter((r) => r.signingDomain)
      .map((r) => ({
        result: r.status.result,
        domain: r.signingDomain,
        selector: r.selector ?? null,
        aligned: !!r.status.aligned,
      })),
    dmarc: dmarc
      ? { result: dmarc.status.result, domain: dmarc.domain || null, policy: dmarc.policy || null }
      : { result: 'none', domain: null, policy: null },
    arc: { result: arc?.status.result ?? 'none' },
    action,
    header: checked.header
      .replace(/^Authentication-Results:\s*/i, '')
      .replace(/\r\n[ \t]+/g, ' ')
      .trim(),
  };
}
