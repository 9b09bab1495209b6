import { describe, expect, it } from 'vitest';
import { accept, combineVerdicts, reject, smtpReply, tempfail, type Verdict } from './verdict.js';

const spamJunk: Verdict = { kind: 'junk', stage: 'spam', reasons: ['BAYES_99'], score: 9.5 };
const spamTag: Verdict = { kind: 'tag', stage: 'spam', reasons: [], score: 2 };
const virus = reject('virus', { code: 554, enhanced: '5.7.1', text: 'virus: Eicar' }, ['Eicar']);

describe('combineVerdicts', () => {
  it('accepts when no stage spoke', () => {
    expect(combineVerdicts([])).toMatchObject({ decision: { kind: 'accept' }, verdicts: [], score: null });
  });

  it('lets the strictest verdict win and keeps every verdict for the trace', () => {
    const clamdDown = tempfail('virus', ['clamd: connection refused']);
    const all = [spamTag, clamdDown, accept('rules')];
    const out = combineVerdicts(all);
    expect(out.decision).toBe(clamdDown);
    expect(out.verdicts).toEqual(all);
    expect(out.score).toBe(2);
    expect(combineVerdicts([spamJunk, virus, clamdDown]).decision).toBe(virus);
    expect(
      combineVerdicts([{ kind: 'quarantine', stage: 'rules', reasons: ['r'] }, spamJunk]).decision.kind,
    ).toBe('quarantine');
  });

  it('keeps the first of equally strict verdicts', () => {
    const a: Verdict = { kind: 'junk', stage: 'rules', reasons: ['a'] };
    expect(combineVerdicts([a, spamJunk]).decision).toBe(a);
  });

  it('lets a rule override the spam stage, but not the virus stage', () => {
    const whitelist: Verdict = { ...accept('rules', ['partner']), overrides: ['spam'] };
    const out = combineVerdicts([spamJunk, whitelist]);
    expect(out.decision).toBe(whitelist);
    expect(out.overridden).toEqual(['spam']);
    expect(out.score).toBeNull();
    expect(combineVerdicts([spamJunk, virus, whitelist]).decision).toBe(virus);
  });

  it('never lets a stage override itself', () => {
    const self: Verdict = { kind: 'tag', stage: 'spam', reasons: [], score: 1, overrides: ['spam'] };
    expect(combineVerdicts([spamJunk, self]).decision).toBe(spamJunk);
  });
});

describe('smtpReply', () => {
  it('writes one reply line, without line breaks from the text', () => {
    expect(smtpReply({ code: 554, enhanced: '5.7.1', text: 'virus:\r\nX' })).toBe('554 5.7.1 virus: X');
  });
});
