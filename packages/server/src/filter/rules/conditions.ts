import { BlockList, isIP } from 'node:net';
import type { FoldedFacts } from './facts.js';
import type { Condition, StringTest } from './schema.js';
import { testString } from './string-test.js';

/** Deepest nesting of all/any/not the evaluator follows; deeper conditions are false. */
export const MAX_DEPTH = 8;

/** Counts the work of one evaluation; past its limit every further condition is false. */
export interface Budget {
  steps: number;
  readonly limit: number;
}

/** The networks of a `clientIp` condition, parsed once per condition object. */
const networks = new WeakMap<readonly string[], BlockList>();

/** `10.0.0.0/8`, `2001:db8::/32` or one address; anything else adds nothing (checkRuleSet refuses it). */
function blockListOf(entries: readonly string[]): BlockList {
  let list = networks.get(entries);
  if (list) return list;
  list = new BlockList();
  for (const entry of entries) {
    const [ip = '', bits] = entry.split('/');
    const family = isIP(ip);
    if (family === 0) continue;
    const type = family === 4 ? 'ipv4' : 'ipv6';
    try {
      if (bits === undefined) list.addAddress(ip, type);
      else list.addSubnet(ip, Number(bits), type);
    } catch {
      // an out-of-range prefix: matches nothing
    }
  }
  networks.set(entries, list);
  return list;
}

function inNetworks(ip: string | null, entries: readonly string[]): boolean {
  if (!ip) return false;
  const family = isIP(ip);
  if (family === 0) return false;
  return blockListOf(entries).check(ip, family === 4 ? 'ipv4' : 'ipv6');
}

const inRange = (n: number | null, r: { over?: number; under?: number }) =>
  n !== null && (r.over === undefined || n > r.over) && (r.under === undefined || n < r.under);

/** Whether the string test holds for one of `values`, counting a step for each. */
function some(values: readonly string[], test: StringTest, budget: Budget): boolean {
  for (const v of values) {
    if (++budget.steps > budget.limit) return false;
    if (testString(v, test)) return true;
  }
  return false;
}

/**
 * Evaluates `c` over the folded facts. Pure and total: unknown or malformed
 * conditions, nesting past {@link MAX_DEPTH} and work past the budget are
 * false, never an exception.
 */
export function holds(c: Condition, f: FoldedFacts, budget: Budget, depth = 0): boolean {
  if (++budget.steps > budget.limit || depth > MAX_DEPTH || c === null || typeof c !== 'object') return false;
  if ('all' in c) return Array.isArray(c.all) && c.all.every((x) => holds(x, f, budget, depth + 1));
  if ('any' in c) return Array.isArray(c.any) && c.any.some((x) => holds(x, f, budget, depth + 1));
  if ('not' in c) return !holds(c.not, f, budget, depth + 1);
  if ('from' in c) return some([f.from], c.from, budget);
  if ('to' in c) return some(f.to, c.to, budget);
  if ('clientIp' in c) return inNetworks(f.facts.envelope.clientIp, c.clientIp);
  if ('authenticated' in c) return f.facts.envelope.authenticated === c.authenticated;
  if ('direction' in c) return f.facts.direction === c.direction;
  if ('header' in c) {
    const name = c.header.name.toLowerCase();
    const values = f.headers.filter((h) => name === '*' || h.name === name).map((h) => h.value);
    return some(values, c.header, budget);
  }
  if ('size' in c) return inRange(f.facts.size, c.size);
  if ('attachment' in c) {
    const { name, type } = c.attachment;
    return f.attachments.some(
      (a) =>
        ++budget.steps <= budget.limit &&
        (name === undefined || testString(a.name, name)) &&
        (type === undefined || testString(a.type, type)),
    );
  }
  if ('auth' in c) return (f.facts.auth[c.auth.method] ?? 'none') === c.auth.result;
  if ('spamScore' in c) return inRange(f.facts.spamScore, c.spamScore);
  if ('memberOf' in c) {
    const groups = c.memberOf.who === 'sender' ? f.senderGroups : f.recipientGroups;
    return groups.has(c.memberOf.group.normalize('NFKC').toLowerCase());
  }
  return false;
}
