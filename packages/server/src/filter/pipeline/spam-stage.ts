import { featureLabel, type SpamVerdict } from '../spam/index.js';
import type { Verdict } from '../verdict.js';

/** The stage name in verdicts and the trace. */
export const SPAM_STAGE = 'spam';

/** What an outbound message (submission, the send API) whose score passes the threshold gets. */
export interface OutboundSpamPolicy {
  /** `filter.outboundSpam`: hold it for an administrator, refuse it, or send it anyway (score recorded). */
  action: 'quarantine' | 'reject' | 'accept';
  /** `filter.outboundSpamThreshold`: the score above which the action applies. */
  threshold: number;
}

/** The reasons of a spam verdict: the score, and each mail feature that counted with its points. */
export function spamReasons(v: SpamVerdict): string[] {
  const score = v.score ?? 0;
  const reasons = [`spam score ${score.toFixed(3)}`];
  if (v.features.length > 0 && v.bayes !== null) reasons.push(`spam bayes ${v.bayes.toFixed(3)}`);
  for (const f of v.features) reasons.push(`spam feature ${featureLabel(f)}`);
  return reasons;
}

/**
 * The spam stage's verdict from the classifier's answer: junk and tag carry
 * the score; a ham score is an accept whose reason names it. The classifier
 * gives no verdict (null) until the model has learned its minimum.
 */
export function spamStageVerdict(v: SpamVerdict): Verdict {
  const score = v.score ?? 0;
  const reasons = spamReasons(v);
  if (v.verdict === 'junk') return { kind: 'junk', stage: SPAM_STAGE, reasons, score };
  if (v.verdict === 'tag') return { kind: 'tag', stage: SPAM_STAGE, reasons, score };
  return { kind: 'accept', stage: SPAM_STAGE, reasons };
}

/**
 * The verdict of an outbound message's score: over the threshold the policy's
 * action (a refusal answers the submitting client 550 5.7.1; quarantine
 * holds the message, its remote recipients unqueued until released), else an
 * accept. Junk and tag mean nothing to a remote recipient, so they are never
 * outbound verdicts.
 */
export function outboundSpamVerdict(v: SpamVerdict, policy: OutboundSpamPolicy): Verdict {
  const score = v.score ?? 0;
  const reasons = spamReasons(v);
  if (score <= policy.threshold || policy.action === 'accept')
    return { kind: 'accept', stage: SPAM_STAGE, reasons };
  if (policy.action === 'quarantine') return { kind: 'quarantine', stage: SPAM_STAGE, reasons, score };
  return {
    kind: 'reject',
    stage: SPAM_STAGE,
    reasons,
    answer: { code: 550, enhanced: '5.7.1', text: 'Message looks like spam; not sent' },
  };
}
