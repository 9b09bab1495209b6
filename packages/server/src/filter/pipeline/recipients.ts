import type { FilterPlacement } from '../../mail/index.js';
import type { Action } from '../rules/index.js';
import { combineVerdicts, VERDICT_STRICTNESS, type Verdict } from '../verdict.js';

/** The rule outcome of one recipient. */
export interface RecipientRules {
  target: { userId: string; address: string };
  verdict: Verdict | null;
  actions: Action[];
}

/** The message's decision drawn from every recipient's. */
export interface RecipientsDecision {
  placement: Map<string, FilterPlacement>;
  /** The strictest recipient decision: what the SMTP answer and the stored verdict follow. */
  strictest: Verdict;
  reasons: string[];
  /** `addHeader` fields of every recipient's rules, once each (the copies share one body). */
  addedHeaders: { name: string; value: string }[];
  /** `tagSubject` tags of every recipient's rules, once each (likewise shared). */
  subjectTags: string[];
}

/**
 * Combines, per recipient, the message-wide verdicts (virus, spam) with that
 * recipient's rules' verdict, and places each copy (`placementOf`).
 */
export function decideRecipients(
  shared: Verdict[],
  targets: ReadonlyArray<{ userId: string }>,
  rules: RecipientRules[],
  placementOf: (decision: Verdict, actions: Action[]) => FilterPlacement,
): RecipientsDecision {
  const byUser = new Map(rules.map((r) => [r.target.userId, r]));
  const placement = new Map<string, FilterPlacement>();
  let strictest: Verdict = combineVerdicts(shared).decision;
  const reasons = new Set(shared.flatMap((v) => v.reasons));
  const addedHeaders: { name: string; value: string }[] = [];
  const subjectTags = new Set<string>();
  for (const t of targets) {
    const own = byUser.get(t.userId);
    const { decision } = combineVerdicts(own?.verdict ? [...shared, own.verdict] : shared);
    for (const r of own?.verdict?.reasons ?? []) reasons.add(r);
    if (VERDICT_STRICTNESS[decision.kind] > VERDICT_STRICTNESS[strictest.kind]) strictest = decision;
    placement.set(t.userId, placementOf(decision, own?.actions ?? []));
    for (const a of own?.actions ?? []) {
      if (a.action === 'tagSubject') subjectTags.add(a.tag);
      if (a.action !== 'addHeader') continue;
      if (!addedHeaders.some((h) => h.name === a.name && h.value === a.value))
        addedHeaders.push({ name: a.name, value: a.value });
    }
  }
  return { placement, strictest, reasons: [...reasons], addedHeaders, subjectTags: [...subjectTags] };
}
