import { describe, expect, it } from 'vitest';
import { combineVerdicts, type Verdict } from '../verdict.js';
import { assertValidRuleSet, ruleSetProblems } from './check.js';
import { evaluateRules, type ScopedRules } from './evaluate.js';
import type { MessageFacts } from './facts.js';
import type { Condition, Rule } from './schema.js';
import { testString, wildcardMatch } from './string-test.js';

const facts = (over: Partial<MessageFacts> = {}): MessageFacts => ({
  direction: 'inbound',
  envelope: {
    from: 'billing@partner.test',
    to: ['alice@example.com'],
    clientIp: '203.0.113.9',
    authenticated: false,
  },
  headers: [
    { name: 'From', value: 'Billing <billing@partner.test>' },
    { name: 'Subject', value: '请查收发票 Invoice 2024' },
  ],
  size: 50_000,
  attachments: [{ name: 'Invoice.EXE', type: 'application/x-msdownload' }],
  auth: { spf: 'pass', dmarc: 'fail' },
  spamScore: 4.5,
  groups: { sender: [], recipients: ['g-legal', 'legal@example.com'] },
  ...over,
});

const rule = (name: string, when: Condition, actions: Rule['actions']): Rule => ({ name, when, actions });
const system = (...rules: Rule[]): ScopedRules => ({ scope: 'system', rules });
const user = (...rules: Rule[]): ScopedRules => ({ scope: 'user', rules });
const matches = (when: Condition, f = facts()) =>
  evaluateRules([system(rule('r', when, [{ action: 'junk' }]))], f).matched.length === 1;

describe('conditions', () => {
  it('test the envelope', () => {
    expect(matches({ from: { endsWith: '@PARTNER.test' } })).toBe(true);
    expect(matches({ from: { is: '' } }, facts({ envelope: { ...facts().envelope, from: '' } }))).toBe(true);
    expect(matches({ to: { in: ['bob@example.com', 'alice@example.com'] } })).toBe(true);
    expect(matches({ clientIp: ['203.0.113.0/24'] })).toBe(true);
    expect(matches({ clientIp: ['10.0.0.0/8', '2001:db8::/32'] })).toBe(false);
    expect(
      matches({ clientIp: ['10.0.0.1'] }, facts({ envelope: { ...facts().envelope, clientIp: null } })),
    ).toBe(false);
    expect(matches({ authenticated: false })).toBe(true);
    expect(matches({ direction: 'outbound' })).toBe(false);
  });

  it('test headers by name or any header, case- and width-insensitively', () => {
    expect(matches({ header: { name: 'subject', contains: '发票' } })).toBe(true);
    expect(matches({ header: { name: 'SUBJECT', contains: 'ｉｎｖｏｉｃｅ' } })).toBe(true); // full-width Latin
    expect(matches({ header: { name: '*', matches: '*<billing@*.test>' } })).toBe(true);
    expect(matches({ header: { name: 'X-Missing', contains: 'a' } })).toBe(false);
    expect(matches({ header: { name: 'subject', startsWith: '请', endsWith: '2024' } })).toBe(true);
    expect(matches({ header: { name: 'subject', startsWith: '请', endsWith: '2023' } })).toBe(false);
  });

  it('test size, attachments, authentication, spam score and groups', () => {
    expect(matches({ size: { over: 40_000, under: 60_000 } })).toBe(true);
    expect(matches({ size: { over: 50_000 } })).toBe(false);
    expect(matches({ attachment: { name: { endsWith: '.exe' } } })).toBe(true);
    expect(matches({ attachment: { name: { endsWith: '.exe' }, type: { is: 'application/pdf' } } })).toBe(
      false,
    );
    expect(matches({ auth: { method: 'dmarc', result: 'fail' } })).toBe(true);
    expect(matches({ auth: { method: 'dkim', result: 'none' } })).toBe(true); // missing counts as none
    expect(matches({ spamScore: { over: 4 } })).toBe(true);
    expect(matches({ spamScore: { under: 100 } }, facts({ spamScore: null }))).toBe(false);
    expect(matches({ memberOf: { who: 'recipient', group: 'Legal@Example.com' } })).toBe(true);
    expect(matches({ memberOf: { who: 'recipient', group: 'g-legal' } })).toBe(true);
    expect(matches({ memberOf: { who: 'sender', group: 'g-legal' } })).toBe(false);
  });

  it('combine with all, any and not', () => {
    const outside = { direction: 'inbound' } as const;
    expect(matches({ all: [outside, { attachment: { name: { matches: '*.exe' } } }] })).toBe(true);
    expect(matches({ all: [outside, { direction: 'outbound' }] })).toBe(false);
    expect(matches({ any: [{ direction: 'outbound' }, { size: { over: 1 } }] })).toBe(true);
    expect(matches({ not: { any: [{ direction: 'outbound' }, { authenticated: true }] } })).toBe(true);
  });

  it('match wildcards in bounded time, without regular expressions', () => {
    expect(wildcardMatch('invoice-2024.pdf.exe', '*.exe')).toBe(true);
    expect(wildcardMatch('ab', 'a?')).toBe(true);
    expect(wildcardMatch('a', 'a?')).toBe(false);
    expect(wildcardMatch('a.b', 'a*b*')).toBe(true);
    expect(wildcardMatch('(.*)+', '(.*)+')).toBe(true); // regex syntax is plain text here
    // The classic catastrophic case for backtracking matchers stays fast.
    const started = Date.now();
    expect(wildcardMatch('a'.repeat(8192), `${'*a'.repeat(120)}b`)).toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(testString('x', {})).toBe(false);
  });
});

describe('evaluateRules', () => {
  const reject = rule('no exe from outside', { attachment: { name: { endsWith: '.exe' } } }, [
    { action: 'reject', text: 'Executables are not accepted' },
  ]);
  const archive = rule('legal archive', { memberOf: { who: 'recipient', group: 'g-legal' } }, [
    { action: 'copyTo', address: 'archive@example.com' },
  ]);

  it('returns the actions of every matching rule in order, and the strictest as the verdict', () => {
    const out = evaluateRules(
      [
        system(
          archive,
          rule('junk dmarc fails', { auth: { method: 'dmarc', result: 'fail' } }, [{ action: 'junk' }]),
        ),
      ],
      facts(),
    );
    expect(out.actions).toEqual([{ action: 'copyTo', address: 'archive@example.com' }, { action: 'junk' }]);
    expect(out.matched.map((m) => m.name)).toEqual(['legal archive', 'junk dmarc fails']);
    expect(out.verdict).toMatchObject({
      kind: 'junk',
      stage: 'rules',
      reasons: ['system: legal archive', 'system: junk dmarc fails'],
    });
  });

  it('rejects with 550 5.7.1 and the rule’s text, and evaluates nothing after a reject', () => {
    const out = evaluateRules(
      [system(reject, archive), user(rule('all', { size: { over: 0 } }, [{ action: 'markRead' }]))],
      facts(),
    );
    expect(out.verdict).toMatchObject({
      kind: 'reject',
      answer: { code: 550, enhanced: '5.7.1', text: 'Executables are not accepted' },
    });
    expect(out.actions).toEqual([{ action: 'reject', text: 'Executables are not accepted' }]);
    expect(out.stopped).toBe(true);
  });

  it('stops at stop, across later sets; skips disabled rules', () => {
    const stop = rule('stop here', { direction: 'inbound' }, [
      { action: 'moveTo', folder: 'Partners' },
      { action: 'stop' },
    ]);
    const out = evaluateRules([system({ ...reject, enabled: false }, stop), user(archive)], facts());
    expect(out.actions).toEqual([{ action: 'moveTo', folder: 'Partners' }]);
    expect(out.matched.map((m) => m.name)).toEqual(['stop here']);
    expect(out.verdict).toBeNull();
  });

  it('lets an accepting rule override the spam stage but not a virus', () => {
    const partner = rule('partner', { from: { endsWith: '@partner.test' } }, [{ action: 'accept' }]);
    const rules = evaluateRules([system(partner)], facts()).verdict;
    expect(rules).toMatchObject({ kind: 'accept', overrides: ['spam'] });
    const spam: Verdict = { kind: 'junk', stage: 'spam', reasons: [], score: 9 };
    expect(combineVerdicts([spam, rules as Verdict]).decision.kind).toBe('accept');
    const virus: Verdict = {
      kind: 'reject',
      stage: 'virus',
      reasons: [],
      answer: { code: 554, enhanced: '5.7.1', text: 'v' },
    };
    expect(combineVerdicts([spam, virus, rules as Verdict]).decision).toBe(virus);
  });

  it('keeps vacation replies to personal rules, and never answers bulk, lists or bounces (RFC 3834)', () => {
    const away = rule('away', { direction: 'inbound' }, [
      { action: 'vacation', days: 7, subject: 'Away', text: 'Back Monday' },
    ]);
    expect(evaluateRules([user(away)], facts()).actions).toEqual([away.actions[0]]);
    expect(evaluateRules([system(away)], facts()).actions).toEqual([]);
    const withHeader = (name: string, value: string) =>
      facts({ headers: [...facts().headers, { name, value }] });
    expect(evaluateRules([user(away)], withHeader('Precedence', 'bulk')).actions).toEqual([]);
    expect(evaluateRules([user(away)], withHeader('List-Id', '<x.lists.test>')).actions).toEqual([]);
    expect(evaluateRules([user(away)], withHeader('Auto-Submitted', 'auto-replied')).actions).toEqual([]);
    expect(evaluateRules([user(away)], withHeader('Auto-Submitted', 'no')).actions).toHaveLength(1);
    expect(
      evaluateRules([user(away)], facts({ envelope: { ...facts().envelope, from: '' } })).actions,
    ).toEqual([]);
  });

  it('stops counting at its step limit: later conditions are false, nothing throws', () => {
    const many = Array.from({ length: 50 }, (_, i) =>
      rule(`r${i}`, { size: { over: 0 } }, [{ action: 'markRead' }]),
    );
    const out = evaluateRules([system(...many)], facts(), { stepLimit: 10 });
    expect(out.exhausted).toBe(true);
    expect(out.matched.length).toBeLessThan(50);
  });
});

describe('ruleSetProblems', () => {
  it('names bad networks, vacation outside personal rules, and nesting too deep', () => {
    let deep: Condition = { size: { over: 1 } };
    for (let i = 0; i < 10; i++) deep = { not: deep };
    const rules: Rule[] = [
      rule('a', { any: [{ clientIp: ['10.0.0.0/8', '10.0.0.0/33', 'nope'] }] }, [{ action: 'junk' }]),
      rule('b', deep, [{ action: 'vacation', days: 1, subject: 's', text: 't' }]),
    ];
    expect(ruleSetProblems(rules, 'domain')).toEqual([
      { field: 'rules[0].when.any[0].clientIp[1]', message: 'must be an IP address or network (CIDR)' },
      { field: 'rules[0].when.any[0].clientIp[2]', message: 'must be an IP address or network (CIDR)' },
      { field: 'rules[1].when.not.not.not.not.not.not.not.not.not', message: 'nested more than 8 deep' },
      { field: 'rules[1].actions[0]', message: 'vacation replies are for personal rules only' },
    ]);
    expect(ruleSetProblems([rules[1] as Rule].slice(0, 0), 'user')).toEqual([]);
    expect(() => assertValidRuleSet(rules, 'user')).toThrow(/clientIp\[1\]/);
  });

  it('accepts tagSubject in personal and global rule sets (delivery tags the stored Subject)', () => {
    const rules: Rule[] = [rule('t', { size: { over: 1 } }, [{ action: 'tagSubject', tag: '[EXT]' }])];
    expect(ruleSetProblems(rules, 'user')).toEqual([]);
    expect(ruleSetProblems(rules, 'domain')).toEqual([]);
    expect(() => assertValidRuleSet(rules, 'domain')).not.toThrow();
  });
});
