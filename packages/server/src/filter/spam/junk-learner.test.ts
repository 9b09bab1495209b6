import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { MessagesPlaced } from '../../store/index.js';
import { createJunkLearner, lessonOf } from './junk-learner.js';

const box = (specialUse: string | null, id = specialUse ?? 'box') => ({ id, specialUse });
const event = (
  kind: 'copy' | 'move',
  from: string | null,
  to: string | null,
  blobIds = ['b1'],
): MessagesPlaced => ({ userId: 'u1', kind, from: box(from, `f-${from}`), to: box(to, `t-${to}`), blobIds });

describe('lessonOf', () => {
  it('teaches spam into Junk, ham out of Junk by a move, nothing else', () => {
    expect(lessonOf(event('move', '\\Inbox', '\\Junk'))).toBe('spam');
    expect(lessonOf(event('copy', null, '\\Junk'))).toBe('spam');
    expect(lessonOf(event('move', '\\Junk', null))).toBe('ham');
    expect(lessonOf(event('move', '\\Junk', '\\Archive'))).toBe('ham');
    expect(lessonOf(event('move', '\\Junk', '\\Trash'))).toBeNull();
    expect(lessonOf(event('copy', '\\Junk', null))).toBeNull();
    expect(lessonOf(event('move', null, '\\Trash'))).toBeNull();
    expect(lessonOf(event('move', null, null))).toBeNull();
  });
});

describe('createJunkLearner', () => {
  it('learns each placed message in the user’s scope after the move, and logs failures', async () => {
    const learned: string[] = [];
    const learner = createJunkLearner({
      classifier: {
        learn: async (raw, cls, scope) => {
          if (raw.toString() === 'broken') throw new Error('no');
          learned.push(`${scope?.userId}:${raw.toString()}:${cls}`);
          return 'learned';
        },
      },
      readBody: async (id) => Buffer.from(id),
      log: pino({ level: 'silent' }),
    });
    learner.placed(event('move', null, '\\Junk', ['m1', 'broken', 'm2']));
    // Nothing learned synchronously: the move is never slowed.
    expect(learned).toEqual([]);
    learner.placed(event('move', '\\Junk', null, ['m1']));
    learner.placed(event('move', null, null, ['m3']));
    await learner.idle();
    expect(learned).toEqual(['u1:m1:spam', 'u1:m2:spam', 'u1:m1:ham']);
    learner.placed(event('move', null, '\\Junk', ['m4']));
    await learner.idle();
    expect(learned).toHaveLength(4);
  });

  it('drops what does not fit in the queue instead of growing without bound', async () => {
    const learned: string[] = [];
    const learner = createJunkLearner({
      classifier: {
        learn: async (raw) => {
          learned.push(raw.toString());
          return 'learned';
        },
      },
      readBody: async (id) => Buffer.from(id),
      maxPending: 2,
      log: pino({ level: 'silent' }),
    });
    learner.placed(event('move', null, '\\Junk', ['a', 'b', 'c', 'd']));
    await learner.idle();
    expect(learned).toEqual(['a', 'b']);
  });
});
