import { describe, expect, it } from 'vitest';
import type { Action } from '../rules/index.js';
import { accept } from '../verdict.js';
import { decideRecipients } from './recipients.js';

const placementOf = () => ({ held: false, junk: false, seen: false });
const target = (userId: string) => ({ userId, address: `${userId}@corp.test` });

describe('decideRecipients: what the shared body gets', () => {
  it('tags the subject when any recipient’s rules ask for it, each tag once, in order', () => {
    const tag = (t: string): Action => ({ action: 'tagSubject', tag: t });
    const rules = [
      { target: target('a'), verdict: accept('rules'), actions: [tag('[EXT]')] },
      { target: target('b'), verdict: null, actions: [] },
      { target: target('c'), verdict: accept('rules'), actions: [tag('[EXT]'), tag('[LEGAL]')] },
    ];
    const decided = decideRecipients([], [target('a'), target('b'), target('c')], rules, placementOf);
    expect(decided.subjectTags).toEqual(['[EXT]', '[LEGAL]']);
    expect(decideRecipients([], [target('b')], rules, placementOf).subjectTags).toEqual([]);
  });
});
