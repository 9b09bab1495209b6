import { describe, expect, it } from 'vitest';
import { Maildrop, type MaildropEntry } from './maildrop.js';
import { UserSessions } from './user-sessions.js';

const entry = (uid: number, size: number, unread = true): MaildropEntry => ({
  id: `m${uid}`,
  uid,
  size,
  blobId: `b${uid}`,
  unread,
});

describe('Maildrop (RFC 1939 §5-6)', () => {
  it('numbers from 1, hides marked messages from STAT and LIST, and RSET brings them back', () => {
    const drop = new Maildrop('inbox', [entry(10, 100), entry(11, 200), entry(15, 300)]);
    expect(drop.stat()).toEqual({ count: 3, octets: 600 });
    drop.markDeleted(2);
    expect(drop.stat()).toEqual({ count: 2, octets: 400 });
    expect([...drop.live()].map(([n, e]) => [n, e.uid])).toEqual([
      [1, 10],
      [3, 15],
    ]);
    expect([drop.problem(2), drop.problem(0), drop.problem(4), drop.problem(3)]).toEqual([
      'deleted',
      'missing',
      'missing',
      undefined,
    ]);
    expect(drop.get(2)).toBeUndefined();
    drop.reset();
    expect(drop.stat()).toEqual({ count: 3, octets: 600 });
  });

  it('at QUIT: the marked messages, and the unread ones retrieved and not deleted', () => {
    const drop = new Maildrop('inbox', [entry(1, 1), entry(2, 1, false), entry(3, 1), entry(4, 1)]);
    for (const n of [1, 2, 3]) drop.markRetrieved(n);
    drop.markDeleted(4);
    drop.markDeleted(3);
    const { deleted, seen } = drop.changes();
    expect(deleted.map((e) => e.uid)).toEqual([3, 4]);
    expect(seen.map((e) => e.uid)).toEqual([1]); // 2 was read already, 3 goes away
  });
});

describe('UserSessions', () => {
  it('holds each user to the limit and gives a place back once', () => {
    const sessions = new UserSessions(2);
    const a = sessions.acquire('alice');
    const b = sessions.acquire('alice');
    expect(sessions.acquire('alice')).toBeNull();
    expect(sessions.acquire('bob')).not.toBeNull();
    a?.();
    a?.();
    expect(sessions.count('alice')).toBe(1);
    expect(sessions.acquire('alice')).not.toBeNull();
    b?.();
    expect(new UserSessions(0).acquire('x')).not.toBeNull(); // 0: no limit
  });
});
