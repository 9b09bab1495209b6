import { isIP } from 'node:net';
import { AppError } from '../../shared/index.js';
import { MAX_DEPTH } from './conditions.js';
import type { RuleScope } from './evaluate.js';
import type { Condition, Rule } from './schema.js';

/** Most conditions (leaves and combinators) in one rule set. */
export const MAX_CONDITIONS = 2000;

/** One problem of a rule set, named by its JSON path (`rules[2].when.all[0].clientIp[1]`). */
export interface RuleProblem {
  field: string;
  message: string;
}

const validNetwork = (entry: string): boolean => {
  const [ip = '', bits, ...rest] = entry.split('/');
  const family = isIP(ip);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  return /^[0-9]{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
};

function checkCondition(c: Condition, path: string, depth: number, out: RuleProblem[], count: { n: number }) {
  count.n++;
  if (depth > MAX_DEPTH) {
    out.push({ field: path, message: `nested more than ${MAX_DEPTH} deep` });
    return;
  }
  if ('all' in c)
    for (const [i, x] of c.all.entries()) checkCondition(x, `${path}.all[${i}]`, depth + 1, out, count);
  else if ('any' in c)
    for (const [i, x] of c.any.entries()) checkCondition(x, `${path}.any[${i}]`, depth + 1, out, count);
  else if ('not' in c) checkCondition(c.not, `${path}.not`, depth + 1, out, count);
  else if ('clientIp' in c)
    c.clientIp.forEach((entry, i) => {
      if (!validNetwork(entry))
        out.push({ field: `${path}.clientIp[${i}]`, message: 'must be an IP address or network (CIDR)' });
    });
}

/**
 * What the JSON schema cannot say about a rule set of `scope`: nesting
 * depth, the total number of conditions, IP networks that parse,
 * vacation replies only in personal rules (an install-wide auto-reply would
 * answer every sender on behalf of everyone).
 */
export function ruleSetProblems(rules: readonly Rule[], scope: RuleScope): RuleProblem[] {
  const out: RuleProblem[] = [];
  const count = { n: 0 };
  rules.forEach((rule, i) => {
    checkCondition(rule.when, `rules[${i}].when`, 0, out, count);
    rule.actions.forEach((a, j) => {
      if (a.action === 'vacation' && scope !== 'user')
        out.push({
          field: `rules[${i}].actions[${j}]`,
          message: 'vacation replies are for personal rules only',
        });
    });
  });
  if (count.n > MAX_CONDITIONS)
    out.push({ field: 'rules', message: `more than ${MAX_CONDITIONS} conditions` });
  return out;
}

/** Throws VALIDATION_FAILED (422) listing the problems of {@link ruleSetProblems}, if any. */
export function assertValidRuleSet(rules: readonly Rule[], scope: RuleScope): void {
  const errors = ruleSetProblems(rules, scope);
  const first = errors[0];
  if (first) throw new AppError('VALIDATION_FAILED', `${first.field}: ${first.message}`, { errors });
}
