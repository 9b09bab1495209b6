import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateRules, type ScopedRules } from './evaluate.js';
import type { MessageFacts } from './facts.js';
import type { Action, AuthResult, Condition, Rule, StringTest } from './schema.js';

// Property: any rule sets of the schema's shape, over any facts, evaluate
// without throwing, in bounded time, to a consistent outcome.

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: fc.constantFrom('a', '*', '?', 'b', '发', '票', 'Ａ'), maxLength: 60 }),
);
const stringTest: fc.Arbitrary<StringTest> = fc
  .record(
    {
      is: text,
      contains: text.filter((s) => s.length > 0),
      startsWith: text.filter((s) => s.length > 0),
      endsWith: text.filter((s) => s.length > 0),
      matches: text.filter((s) => s.length > 0),
      in: fc.array(text, { minLength: 1, maxLength: 5 }),
    },
    { requiredKeys: [] },
  )
  .filter((t) => Object.keys(t).length > 0);
const auth: fc.Arbitrary<AuthResult> = fc.constantFrom(
  'pass',
  'fail',
  'softfail',
  'neutral',
  'none',
  'temperror',
  'permerror',
);
const range = fc
  .record({ over: fc.double({ noNaN: true }), under: fc.double({ noNaN: true }) }, { requiredKeys: [] })
  .filter((r) => Object.keys(r).length > 0);

const leaf: fc.Arbitrary<Condition> = fc.oneof(
  stringTest.map((from) => ({ from })),
  stringTest.map((to) => ({ to })),
  fc
    .array(
      fc.oneof(
        fc.ipV4(),
        fc.ipV6(),
        fc.ipV4().map((ip) => `${ip}/${ip.length % 33}`),
        text,
      ),
      { minLength: 1, maxLength: 4 },
    )
    .map((clientIp) => ({ clientIp })),
  fc.boolean().map((authenticated) => ({ authenticated })),
  fc.constantFrom('inbound', 'outbound' as const).map((direction) => ({ direction: direction as 'inbound' })),
  fc
    .tuple(fc.constantFrom('subject', 'from', '*', 'X-Test'), stringTest)
    .map(([name, t]) => ({ header: { name, ...t } })),
  range.map((size) => ({ size })),
  fc
    .record({ name: stringTest, type: stringTest }, { requiredKeys: [] })
    .filter((a) => Object.keys(a).length > 0)
    .map((attachment) => ({ attachment })),
  fc
    .record({ method: fc.constantFrom('spf', 'dkim', 'dmarc' as const), result: auth })
    .map((a) => ({ auth: a as { method: 'spf'; result: AuthResult } })),
  range.map((spamScore) => ({ spamScore })),
  fc
    .record({ who: fc.constantFrom('sender', 'recipient' as const), group: text.filter((s) => s.length > 0) })
    .map((m) => ({ memberOf: m as { who: 'sender'; group: string } })),
);

const condition = fc.letrec<{ c: Condition }>((tie) => ({
  c: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('c'), { minLength: 1, maxLength: 4 }).map((all) => ({ all })),
    fc.array(tie('c'), { minLength: 1, maxLength: 4 }).map((any) => ({ any })),
    tie('c').map((not) => ({ not })),
  ),
})).c;

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.constantFrom<Action>(
    { action: 'accept' },
    { action: 'junk' },
    { action: 'quarantine' },
    { action: 'markRead' },
    { action: 'stop' },
  ),
  fc.string({ maxLength: 20 }).map((t): Action => ({ action: 'reject', text: t })),
  fc.constant<Action>({ action: 'moveTo', folder: 'Archive' }),
  fc.constant<Action>({ action: 'vacation', days: 3, subject: 'Away', text: 'Back soon' }),
  fc.constant<Action>({ action: 'forward', to: 'x@example.com' }),
);
const rule: fc.Arbitrary<Rule> = fc.record({
  name: fc.string({ minLength: 1, maxLength: 10 }),
  enabled: fc.boolean(),
  when: condition,
  actions: fc.array(action, { minLength: 1, maxLength: 4 }),
});
const sets: fc.Arbitrary<ScopedRules[]> = fc.array(
  fc.record({
    scope: fc.constantFrom('system', 'domain', 'user' as const),
    rules: fc.array(rule, { maxLength: 8 }),
  }),
  { maxLength: 3 },
);
const facts: fc.Arbitrary<MessageFacts> = fc.record({
  direction: fc.constantFrom('inbound', 'outbound' as const),
  envelope: fc.record({
    from: fc.oneof(fc.constant(''), fc.emailAddress(), text),
    to: fc.array(fc.emailAddress(), { maxLength: 3 }),
    clientIp: fc.oneof(fc.constant(null), fc.ipV4(), fc.ipV6(), text),
    authenticated: fc.boolean(),
  }),
  headers: fc.array(
    fc.record({
      name: fc.constantFrom('Subject', 'From', 'X-Test', 'Precedence', 'Auto-Submitted', 'List-Id'),
      value: fc.oneof(text, fc.string({ unit: fc.constantFrom('a', 'b'), maxLength: 3000 })),
    }),
    { maxLength: 6 },
  ),
  size: fc.nat(),
  attachments: fc.array(fc.record({ name: text, type: text }), { maxLength: 3 }),
  auth: fc.record({ spf: auth, dkim: auth, dmarc: auth }, { requiredKeys: [] }),
  spamScore: fc.oneof(fc.constant(null), fc.double({ noNaN: true })),
  groups: fc.record({
    sender: fc.array(text, { maxLength: 3 }),
    recipients: fc.array(text, { maxLength: 3 }),
  }),
});

describe('rule evaluation, for any rules and any message', () => {
  it('never throws, finishes in bounded time, and returns a consistent outcome', () => {
    fc.assert(
      fc.property(sets, facts, (s, f) => {
        const started = performance.now();
        const out = evaluateRules(s, f);
        // Generous: the machine is shared; a hang or exponential blow-up would take far longer.
        expect(performance.now() - started).toBeLessThan(2000);
        expect(out.actions.some((a) => a.action === 'stop')).toBe(false);
        const kinds = out.actions.map((a) => a.action);
        if (kinds.includes('reject')) expect(out.verdict?.kind).toBe('reject');
        else if (kinds.includes('quarantine')) expect(out.verdict?.kind).toBe('quarantine');
        else if (kinds.includes('junk')) expect(out.verdict?.kind).toBe('junk');
        else if (kinds.includes('accept')) expect(out.verdict?.kind).toBe('accept');
        else expect(out.verdict).toBeNull();
        if (kinds.includes('vacation')) expect(out.matched.some((m) => m.scope === 'user')).toBe(true);
        const enabled = s.reduce((n, set) => n + set.rules.filter((r) => r.enabled !== false).length, 0);
        expect(out.matched.length).toBeLessThanOrEqual(enabled);
      }),
      { numRuns: 300 },
    );
  });
});
