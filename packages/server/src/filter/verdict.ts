/**
 * The verdicts of the filter pipeline. Every stage (spam, virus, rules, group
 * policy) looks at a message and returns one {@link Verdict}; the pipeline
 * runner combines the verdicts of all stages with {@link combineVerdicts} into
 * the one decision it acts on, and keeps every stage's verdict for the message
 * trace and the REST message detail.
 */

/** An SMTP answer for a refusal: reply code, enhanced status code (RFC 3463) and text. */
export interface SmtpAnswer {
  /** 5xx for a refusal, 4xx for "try again later" (RFC 5321 §4.2.1). */
  code: number;
  /** RFC 3463 enhanced status code, e.g. `5.7.1`. */
  enhanced: string;
  /** Human-readable text; one line, no CR/LF. */
  text: string;
}

/** What a stage says about a message, from the mildest to the strictest. */
export type VerdictKind = 'accept' | 'tag' | 'junk' | 'quarantine' | 'tempfail' | 'reject';

/** Fields every verdict carries: who said it, and why (for the trace and the message detail). */
interface VerdictBase {
  /** The stage that returned it: `spam`, `virus`, `rules`, `group-policy` … */
  stage: string;
  /** Short reasons (rule names, signature names, spam features); never message content. */
  reasons: string[];
  /**
   * Stages whose verdicts this one sets aside: a rule that accepts a
   * message from a partner overrides the spam stage (`['spam']`), so its
   * junk or tag no longer counts. A verdict never overrides its own stage.
   */
  overrides?: string[];
}

/** Deliver as usual. */
export interface AcceptVerdict extends VerdictBase {
  kind: 'accept';
}

/** Deliver, with a score (e.g. spam score) shown to clients in `X-Spam-*` headers. */
export interface TagVerdict extends VerdictBase {
  kind: 'tag';
  score: number;
}

/** Deliver to the recipient's Junk folder. */
export interface JunkVerdict extends VerdictBase {
  kind: 'junk';
  score?: number;
}

/** Hold for an administrator's review; the recipient does not see it until released. */
export interface QuarantineVerdict extends VerdictBase {
  kind: 'quarantine';
  score?: number;
}

/** Refuse for now (4xx): a backend this stage needs is down; the sender retries. */
export interface TempfailVerdict extends VerdictBase {
  kind: 'tempfail';
  answer: SmtpAnswer;
}

/** Refuse for good (5xx). */
export interface RejectVerdict extends VerdictBase {
  kind: 'reject';
  answer: SmtpAnswer;
}

export type Verdict =
  | AcceptVerdict
  | TagVerdict
  | JunkVerdict
  | QuarantineVerdict
  | TempfailVerdict
  | RejectVerdict;

/**
 * How strict each kind is. A refusal beats every delivery; a final refusal
 * beats a temporary one (the sender would only be refused again); holding a
 * message back beats putting it in Junk, which beats delivering it.
 */
export const VERDICT_STRICTNESS: Readonly<Record<VerdictKind, number>> = {
  accept: 0,
  tag: 1,
  junk: 2,
  quarantine: 3,
  tempfail: 4,
  reject: 5,
};

/** The outcome of a whole pipeline run. */
export interface CombinedVerdict {
  /** The verdict to act on: the strictest of those that count. */
  decision: Verdict;
  /** Every stage's verdict, in stage order, for the trace and the message detail. */
  verdicts: Verdict[];
  /** Stages whose verdicts were set aside by another's `overrides`. */
  overridden: string[];
  /** The highest score any counting verdict gave, or null when none gave one. */
  score: number | null;
}

/** An accept verdict from `stage` (also the decision of a run without stages). */
export const accept = (stage: string, reasons: string[] = []): AcceptVerdict => ({
  kind: 'accept',
  stage,
  reasons,
});

/** A 5xx refusal from `stage`. */
export const reject = (stage: string, answer: SmtpAnswer, reasons: string[] = []): RejectVerdict => ({
  kind: 'reject',
  stage,
  answer,
  reasons,
});

/** A 4xx refusal from `stage`; by default `451 4.7.1` (RFC 3463: security or policy status). */
export const tempfail = (
  stage: string,
  reasons: string[] = [],
  answer: SmtpAnswer = { code: 451, enhanced: '4.7.1', text: 'Try again later' },
): TempfailVerdict => ({ kind: 'tempfail', stage, answer, reasons });

/**
 * Combines the verdicts of several stages. First the overrides: a verdict
 * naming other stages in `overrides` sets theirs aside (never its own
 * stage's, and an overridden verdict's own overrides do not count, so two
 * stages cannot cancel each other). Then the strictest remaining verdict
 * wins; among equally strict ones, the first in stage order. Without
 * verdicts the decision is `accept` from `pipeline`.
 */
export function combineVerdicts(verdicts: readonly Verdict[]): CombinedVerdict {
  const overriddenStages = new Set<string>();
  for (const v of verdicts) {
    for (const s of v.overrides ?? []) if (s !== v.stage) overriddenStages.add(s);
  }
  const counting = verdicts.filter((v) => !overriddenStages.has(v.stage));
  let decision: Verdict | null = null;
  let score: number | null = null;
  for (const v of counting) {
    if (decision === null || VERDICT_STRICTNESS[v.kind] > VERDICT_STRICTNESS[decision.kind]) decision = v;
    const s = scoreOf(v);
    if (s !== null && (score === null || s > score)) score = s;
  }
  const overridden = [...new Set(verdicts.map((v) => v.stage))].filter((s) => overriddenStages.has(s));
  return { decision: decision ?? accept('pipeline'), verdicts: [...verdicts], overridden, score };
}

function scoreOf(v: Verdict): number | null {
  if (v.kind === 'tag') return v.score;
  if ((v.kind === 'junk' || v.kind === 'quarantine') && v.score !== undefined) return v.score;
  return null;
}

/** Whether the message is refused (4xx or 5xx) rather than delivered or held. */
export const refuses = (v: Verdict): v is RejectVerdict | TempfailVerdict =>
  v.kind === 'reject' || v.kind === 'tempfail';

/** The SMTP reply line of a refusal, e.g. `554 5.7.1 virus: Eicar-Test-Signature`. */
export function smtpReply(answer: SmtpAnswer): string {
  const text = answer.text.replace(/[\r\n]+/g, ' ');
  return `${answer.code} ${answer.enhanced} ${text}`;
}
