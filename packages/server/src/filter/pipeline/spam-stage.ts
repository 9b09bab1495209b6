import type { SpamVerdict } from '../spam/index.js';
import type { Verdict } from '../verdict.js';

/** The stage name in verdicts and the trace. */
export const SPAM_STAGE = 'spam';

/**
 * The spam stage's verdict from the classifier's answer: junk and tag carry
 * the score; a ham score is an accept whose reason names it. The classifier
 * gives no verdict (null) until the model has learned its minimum.
 */
export function spamStageVerdict(v: SpamVerdict): Verdict {
  const score = v.score ?? 0;
  const reasons = [`spam score ${score.toFixed(3)}`];
  if (v.verdict === 'junk') return { kind: 'junk', stage: SPAM_STAGE, reasons, score };
  if (v.verdict === 'tag') return { kind: 'tag', stage: SPAM_STAGE, reasons, score };
  return { kind: 'accept', stage: SPAM_STAGE, reasons };
}
