import { describe, expect, it } from 'vitest';
import type { FlagState, MailboxChanges } from '../../store/index.js';
import { parseSequenceSet } from '../protocol/index.js';
import { SelectedMailbox } from './selected-mailbox.js';

// The session's view of its mailbox: sequence numbers, resolution of sets, and which untagged
// updates may go out when (RFC 9051 §7.5.1).

function view(uids: number[]): SelectedMailbox {
  return new SelectedMailbox({
    mailboxId: 'm',
    name: 'INBOX',
    readOnly: false,
    uidValidity: 7,
    uidNext: Math.max(0, ...uids) + 1,
    highestModseq: 10,
    uids: Uint32Array.from(uids),
    keywords: [],
  });
}

const state = (uid: number, modseq: number, flags = 0): FlagState => ({ uid, modseq, flags, keywords: [] });
const changes = (c: Partial<MailboxChanges>): MailboxChanges => ({
  uidValidity: 7,
  uidNext: 100,
  highestModseq: 20,
  changed: [],
  expunged: [],
  expungedComplete: true,
  ...c,
});
const set = (text: string) => parseSequenceSet(text);

describe('SelectedMailbox', () => {
  it('maps sequence numbers and UIDs both ways', () => {
    const v = view([3, 5, 9, 10]);
    expect([v.exists, v.uidAt(1), v.uidAt(4), v.uidAt(5), v.seqOf(9), v.seqOf(4), v.lastUid]).toEqual([
      4, 3, 10, 0, 3, 0, 10,
    ]);
  });

  it('resolves sequence sets (BAD past EXISTS) and UID sets (absent UIDs skipped, n:* takes the last)', () => {
    const v = view([3, 5, 9, 10, 11]);
    expect(v.resolve(set('2:4'), false)).toEqual({ seqRanges: [[2, 4]], uids: [5, [9, 10]], count: 3 });
    expect(v.resolve(set('*'), false).uids).toEqual([11]);
    expect(() => v.resolve(set('6'), false)).toThrow('No message 6: the mailbox has 5');
    expect(v.resolve(set('4:9,20:*'), true)).toEqual({
      seqRanges: [
        [2, 3],
        [5, 5],
      ],
      uids: [5, 9, 11],
      count: 3,
    });
    expect(v.resolve(set('1:2'), true).count).toBe(0);
    expect(() => view([]).resolve(set('1:*'), false)).toThrow('No messages: the mailbox is empty');
    expect(() => view([]).resolve(set('*'), false)).toThrow('No messages: the mailbox is empty');
    expect(view([]).resolve(set('1:*'), true).count).toBe(0); // a UID set may name none
  });

  it('keeps an expunged message numbered until an expunge may be told; then EXPUNGE from the highest number down', () => {
    const v = view([1, 2, 3, 4]);
    v.apply(
      changes({
        expunged: [
          { uid: 2, modseq: 11 },
          { uid: 4, modseq: 11 },
        ],
      }),
    );
    expect(v.takeUpdates(false, false)).toEqual([]);
    expect([v.exists, v.seqOf(4)]).toEqual([4, 4]);
    expect(v.takeUpdates(true, false)).toEqual([
      { kind: 'expunge', seq: 4 },
      { kind: 'expunge', seq: 2 },
    ]);
    expect([v.exists, v.uidAt(2)]).toEqual([2, 3]);
  });

  it('under QRESYNC the same expunges are one VANISHED', () => {
    const v = view([1, 2, 3, 4]);
    v.apply(
      changes({
        expunged: [
          { uid: 4, modseq: 11 },
          { uid: 2, modseq: 11 },
        ],
      }),
    );
    expect(v.takeUpdates(true, true)).toEqual([{ kind: 'vanished', uids: [2, 4] }]);
  });

  it('new messages: EXISTS at once (even when expunges must wait), then flag changes as FETCH', () => {
    const v = view([1, 2]);
    v.apply(changes({ changed: [state(2, 12, 1), state(7, 13)], expunged: [{ uid: 1, modseq: 14 }] }));
    expect(v.takeUpdates(false, false)).toEqual([
      { kind: 'exists', count: 3 },
      { kind: 'fetch', seq: 2, state: state(2, 12, 1) },
    ]);
    expect(v.takeUpdates(true, false)).toEqual([{ kind: 'expunge', seq: 1 }]);
    expect([v.exists, v.uidAt(2)]).toEqual([2, 7]);
  });

  it('a message that came and went before EXISTS told of it goes silently', () => {
    const v = view([1]);
    v.apply(changes({ changed: [state(5, 12)] }));
    v.apply(changes({ expunged: [{ uid: 5, modseq: 13 }], highestModseq: 21 }));
    expect(v.takeUpdates(true, false)).toEqual([]);
    expect(v.exists).toBe(1);
  });

  it('applying the same changes twice changes nothing; its own changes are not told again', () => {
    const v = view([1, 2]);
    v.noteOwnChange(15);
    const c = changes({ changed: [state(1, 15, 4), state(2, 16, 4), state(3, 17)] });
    v.apply(c);
    v.apply(c);
    expect(v.takeUpdates(true, false)).toEqual([
      { kind: 'exists', count: 3 },
      { kind: 'fetch', seq: 2, state: state(2, 16, 4) },
    ]);
  });

  it('after a pruned journal, every UID missing from the full list is expunged', () => {
    const v = view([1, 2, 3, 4, 5]);
    v.expungeMissing(Uint32Array.from([2, 5, 8]));
    expect(v.takeUpdates(true, true)).toEqual([{ kind: 'vanished', uids: [1, 3, 4] }]);
  });

  it('stays small: a million UIDs cost 4 MB', () => {
    const uids = new Uint32Array(1_000_000).map((_, i) => i + 1);
    const v = view([]);
    const big = new SelectedMailbox({
      ...v,
      mailboxId: 'm',
      name: 'x',
      readOnly: false,
      uidValidity: 1,
      uidNext: 1,
      highestModseq: 1,
      uids,
      keywords: [],
    });
    expect(big.resolve(set('1:*'), false)).toEqual({
      seqRanges: [[1, 1_000_000]],
      uids: [[1, 1_000_000]],
      count: 1_000_000,
    });
    expect(big.seqOf(999_999)).toBe(999_999);
  });
});
