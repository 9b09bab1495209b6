import { describe, expect, it } from 'vitest';
import { threadResponse } from '../../protocol/index.js';
import { baseSubject } from './base-subject.js';
import { type Sortable, sortMessages } from './sort-keys.js';
import { threadBySubject } from './thread-ordered-subject.js';
import { type ThreadMessage, threadByReferences } from './thread-references.js';

describe('base subject (RFC 5256 §2.1)', () => {
  it('removes reply and forward markers, list blobs and [fwd: ] wrappers', () => {
    const cases: Array<[string, string, boolean]> = [
      ['Hello', 'Hello', false],
      ['Re: Hello', 'Hello', true],
      ['RE: [list] re: Hello (fwd)', 'Hello', true],
      ['Re : Re[3]: Fwd:FW: Hello', 'Hello', true],
      ['[fwd: Re: Hello]', 'Hello', true],
      ['[list]   Hello   world  ', 'Hello world', false],
      ['Fwd: [PATCH] fix', 'fix', true],
      ['[PATCH]', '[PATCH]', false],
      ['Re:   ', '', true],
      ['\t  ', '', false],
      ['Release: notes', 'Release: notes', false],
      ['回复: 季度报告', '回复: 季度报告', false],
      ['Re: [fwd: [x] Re: 季度报告]', '季度报告', true],
    ];
    for (const [subject, base, reply] of cases)
      expect(baseSubject(subject), subject).toEqual({ base, replyOrForward: reply });
  });
});

const at = (day: number) => Date.UTC(2026, 0, day);

function msg(
  id: number,
  subject: string,
  messageId: string | null,
  references: string[] = [],
  day = id,
): ThreadMessage {
  return { id, seq: id, date: at(day), subject, messageId, references };
}

const text = (nodes: ReturnType<typeof threadByReferences>) =>
  threadResponse(nodes)
    .toString('latin1')
    .replace(/^\* THREAD ?/, '')
    .trimEnd();

describe('THREAD=REFERENCES', () => {
  it('links replies by References and In-Reply-To, every level in date order', () => {
    const messages = [
      msg(1, 'Plan', '<a@x>'),
      msg(2, 'Re: Plan', '<b@x>', ['<a@x>']),
      msg(3, 'Re: Plan', '<c@x>', ['<a@x>', '<b@x>']),
      msg(4, 'Re: Plan', '<d@x>', ['<a@x>'], 3.5),
      msg(5, 'Other', '<e@x>'),
    ];
    expect(text(threadByReferences(messages))).toBe('(1 (2 3)(4))(5)');
  });

  it('keeps a dummy for a missing parent of several messages, and promotes a lone child', () => {
    const messages = [
      msg(1, 'Re: Lost', '<b@x>', ['<gone@x>']),
      msg(2, 'Re: Lost', '<c@x>', ['<gone@x>']),
      msg(3, 'Re: Alone', '<d@x>', ['<gone2@x>']),
    ];
    expect(text(threadByReferences(messages))).toBe('((1)(2))(3)');
  });

  it('gathers threads by base subject: a reply under the original, two originals under a dummy', () => {
    const replies = [msg(1, 'Budget', '<a@x>'), msg(2, 'Re: Budget', '<b@x>'), msg(3, 'Other', '<c@x>')];
    expect(text(threadByReferences(replies))).toBe('(1 2)(3)');
    const twins = [msg(1, 'Budget', '<a@x>'), msg(2, 'Budget', '<b@x>')];
    expect(text(threadByReferences(twins))).toBe('((1)(2))');
    const chinese = [msg(1, '季度报告', '<a@x>'), msg(2, 'Re: 季度报告', null)];
    expect(text(threadByReferences(chinese))).toBe('(1 2)');
  });

  it('survives reference loops, duplicate and missing Message-IDs', () => {
    const loop = [msg(1, 'a', '<a@x>', ['<b@x>']), msg(2, 'b', '<b@x>', ['<a@x>'])];
    expect(text(threadByReferences(loop))).toMatch(/^\((1 2|2 1)\)$/);
    const dup = [msg(1, 'x', '<same@x>'), msg(2, 'y', '<same@x>'), msg(3, 'z', '<r@x>', ['<same@x>'])];
    expect(text(threadByReferences(dup))).toBe('(1 3)(2)');
    const none = [msg(1, 'p', null), msg(2, 'q', null)];
    expect(text(threadByReferences(none))).toBe('(1)(2)');
  });

  it('orders siblings with equal dates by sequence number', () => {
    const messages = [msg(2, 'b', '<b@x>', [], 1), msg(1, 'a', '<a@x>', [], 1)];
    expect(text(threadByReferences(messages))).toBe('(1)(2)');
  });
});

describe('THREAD=ORDEREDSUBJECT', () => {
  it('groups by base subject, the first message on top and the others its children, threads by date', () => {
    const messages = [
      msg(1, 'Budget', null, [], 5),
      msg(2, 'Re: Budget', null, [], 6),
      msg(3, 'Plan', null, [], 1),
      msg(4, 'RE: budget', null, [], 7),
      msg(5, 'Re: Plan', null, [], 2),
    ];
    expect(text(threadBySubject(messages))).toBe('(3 5)(1 (2)(4))');
  });
});

describe('SORT keys', () => {
  const record = (subject: string, from: string, size: number, date: number | null, internal: number) => ({
    uid: 0,
    modseq: 1,
    flags: 0,
    keywords: [],
    id: 'x',
    internalDate: internal,
    size,
    blobId: 'b',
    index: {
      from: { name: '', address: from },
      to: [],
      cc: [],
      subject,
      date,
      messageId: null,
      preview: '',
      hasAttachments: false,
    },
  });
  const messages: Sortable[] = [
    { seq: 1, uid: 11, record: record('Re: beta', 'Zed@x', 300, null, at(9)) },
    { seq: 2, uid: 12, record: record('Alpha', 'amy@x', 100, at(2), at(1)) },
    { seq: 3, uid: 13, record: record('[list] BETA', 'bob@x', 200, at(3), at(8)) },
    { seq: 4, uid: 14, record: record('alpha', 'amy@y', 100, at(3), at(2)) },
  ];
  const order = (criteria: Parameters<typeof sortMessages>[1]) =>
    sortMessages(messages, criteria).map((m) => m.seq);

  it('sorts by each key, REVERSE per key, ties by sequence number', () => {
    expect(order([{ key: 'ARRIVAL', reverse: false }])).toEqual([2, 4, 3, 1]);
    expect(order([{ key: 'DATE', reverse: false }])).toEqual([2, 3, 4, 1]); // no Date: internal date
    expect(order([{ key: 'SIZE', reverse: true }])).toEqual([1, 3, 2, 4]);
    expect(order([{ key: 'SUBJECT', reverse: false }])).toEqual([2, 4, 1, 3]);
    expect(order([{ key: 'FROM', reverse: false }])).toEqual([2, 4, 3, 1]);
    expect(
      order([
        { key: 'SUBJECT', reverse: true },
        { key: 'SIZE', reverse: false },
      ]),
    ).toEqual([3, 1, 2, 4]);
  });
});
