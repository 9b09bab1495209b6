import { VERDICT_STRICTNESS, type Verdict } from '../verdict.js';
import { type Budget, holds } from './conditions.js';
import { type FoldedFacts, foldFacts, type MessageFacts } from './facts.js';
import type { Action, Rule } from './schema.js';

/** The stage name of rule verdicts in the trace. */
export const RULES_STAGE = 'rules';

/** Whose rules: install-wide, one domain's, or one user's (personal). */
export type RuleScope = 'system' | 'domain' | 'user';

/** One rule set to evaluate, with where it comes from. */
export interface ScopedRules {
  scope: RuleScope;
  rules: readonly Rule[];
}

/** A rule whose condition held. */
export interface MatchedRule {
  scope: RuleScope;
  /** Position in its set, from 0. */
  index: number;
  name: string;
}

/** What the rules decided for a message. */
export interface RulesOutcome {
  /** Rules whose condition held, in evaluation order. */
  matched: MatchedRule[];
  /**
   * The actions to take, in order, without `stop`. A vacation action is
   * left out where RFC 3834 §2 forbids an automatic reply; the pipeline
   * still asks the vacation log whether this sender is due one.
   */
  actions: Action[];
  /** The rules' verdict (reject, quarantine, junk or accept), or null when no rule decided. */
  verdict: Verdict | null;
  /** A rule said stop (or reject), so later rules and sets were not looked at. */
  stopped: boolean;
  /** The evaluation ran out of budget: later conditions were taken as false. */
  exhausted: boolean;
}

/** Default work budget of one evaluation (condition and string-test steps). */
export const DEFAULT_STEP_LIMIT = 200_000;

/**
 * Evaluates rule sets in order (system, then domain, then the user's) over
 * the facts. Pure: no clock, no store. `stop` ends the evaluation of every
 * later rule, in its set and the sets after it; so does `reject`, since
 * nothing else happens to a refused message. Never throws on data of the
 * schema's shape, and does bounded work (see `Budget`).
 */
export function evaluateRules(
  sets: readonly ScopedRules[],
  facts: MessageFacts,
  options: { stepLimit?: number } = {},
): RulesOutcome {
  const folded = foldFacts(facts);
  const budget: Budget = { steps: 0, limit: options.stepLimit ?? DEFAULT_STEP_LIMIT };
  const matched: MatchedRule[] = [];
  const actions: Action[] = [];
  let stopped = false;
  outer: for (const set of sets) {
    for (const [index, rule] of set.rules.entries()) {
      if (rule.enabled === false || !holds(rule.when, folded, budget)) continue;
      matched.push({ scope: set.scope, index, name: rule.name });
      for (const action of rule.actions) {
        if (action.action === 'stop') {
          stopped = true;
          continue;
        }
        if (action.action === 'vacation' && (set.scope !== 'user' || !mayAutoReply(folded))) continue;
        actions.push(action);
        if (action.action === 'reject') stopped = true;
      }
      if (stopped) break outer;
    }
  }
  return {
    matched,
    actions,
    verdict: verdictOf(actions, matched),
    stopped,
    exhausted: budget.steps > budget.limit,
  };
}

const DECIDING = ['accept', 'junk', 'quarantine', 'reject'] as const;
type Deciding = (typeof DECIDING)[number];

/**
 * The strictest deciding action becomes the verdict. An `accept` (only when
 * no stricter action matched) overrides the spam stage: an administrator's
 * "always accept mail from our partner" wins over the classifier, never over
 * the virus scanner.
 */
function verdictOf(actions: readonly Action[], matched: readonly MatchedRule[]): Verdict | null {
  let strictest: Action | null = null;
  for (const a of actions) {
    if (!(DECIDING as readonly string[]).includes(a.action)) continue;
    if (
      !strictest ||
      VERDICT_STRICTNESS[a.action as Deciding] > VERDICT_STRICTNESS[strictest.action as Deciding]
    )
      strictest = a;
  }
  if (!strictest) return null;
  const reasons = matched.map((m) => `${m.scope}: ${m.name}`);
  switch (strictest.action) {
    case 'reject':
      return {
        kind: 'reject',
        stage: RULES_STAGE,
        reasons,
        answer: { code: 550, enhanced: '5.7.1', text: strictest.text || 'Message refused by policy' },
      };
    case 'quarantine':
      return { kind: 'quarantine', stage: RULES_STAGE, reasons };
    case 'junk':
      return { kind: 'junk', stage: RULES_STAGE, reasons };
    default:
      return { kind: 'accept', stage: RULES_STAGE, reasons, overrides: ['spam'] };
  }
}

/**
 * RFC 3834 §2: no automatic reply to the null sender (bounces), to a
 * message that is itself automatic (`Auto-Submitted` other than `no`), or to
 * list and bulk mail (`List-Id`, `Precedence: bulk|list|junk`).
 */
function mayAutoReply(f: FoldedFacts): boolean {
  if (f.from === '' || f.from.startsWith('mailer-daemon@')) return false;
  for (const h of f.headers) {
    if (h.name === 'auto-submitted' && h.value.trim() !== 'no') return false;
    if (h.name === 'list-id') return false;
    if (h.name === 'precedence' && /^(bulk|list|junk)$/.test(h.value.trim())) return false;
  }
  return true;
}
