import { describe, expect, it } from 'vitest';
import { FLAG, type MessageRecord } from '../../../store/index.js';
import { parseLine } from '../../protocol/testing/parse.js';
import { SelectedMailbox } from '../selected-mailbox.js';
import type { MessageFacts } from './facts.js';
import { headerFieldTexts } from './header-text.js';
import { planSearch } from './run-search.js';
import { sentDay } from './search-dates.js';

/** Five messages, UIDs 10, 20, 30, 40, 50 (sequence numbers 1 to 5). */
const view = new SelectedMailbox({
  mailboxId: 'box',
  name: 'INBOX',
  readOnly: false,
  uidValidity: 1,
  uidNext: 51,
  highestModseq: 100,
  uids: Uint32Array.from([10, 20, 30, 40, 50]),
  keywords: [],
});

const DAY = 86_400_000;

function record(uid: number, over: Partial<MessageRecord> = {}): MessageRecord {
  return {
    uid,
    modseq: uid,
    flags: 0,
    keywords: [],
    id: `m${uid}`,
    internalDate: Date.UTC(2026, 1, uid / 10) + DAY / 2, // 1 Feb 2026 for UID 10, 2 Feb for 20 …
    size: uid * 100,
    blobId: `b${uid}`,
    index: {
      from: { name: '张三', address: 'zhang.san@example.cn' },
      to: [{ name: 'Team', address: 'team@example.com' }],
      cc: [],
      subject: `季度报告 ${uid}`,
      date: null,
      messageId: null,
      preview: '',
      hasAttachments: false,
    },
    ...over,
  };
}

const header = (text: string) => {
  const bytes = Buffer.from(text.replace(/\n/g, '\r\n'), 'utf8');
  return { fields: headerFieldTexts(bytes), sent: sentDay(/^Date: (.*)$/m.exec(text)?.[1]) };
};

/** Evaluates `SEARCH <keys>` on a message the way runSearch does: record first, header and body when needed. */
function search(keys: string, r: MessageRecord, more: Partial<Pick<MessageFacts, 'header' | 'body'>> = {}) {
  const command = parseLine(`a SEARCH ${keys}`);
  if (command.name !== 'SEARCH') throw new Error('not SEARCH');
  const plan = planSearch(command.program.keys, view);
  const facts: MessageFacts = {
    ...r,
    seq: view.seqOf(r.uid),
    recent: false,
    record: r,
    header: null,
    body: null,
  };
  const first = plan.matcher.test(facts);
  Object.assign(facts, more);
  return { first, final: plan.matcher.test(facts), tier: plan.matcher.tier, needles: plan.needles };
}

describe('SEARCH keys', () => {
  it('flags, keywords and their negations', () => {
    const r = record(10, { flags: FLAG.seen | FLAG.flagged, keywords: ['$Junk', 'Work'] });
    for (const k of [
      'SEEN',
      'FLAGGED',
      'UNANSWERED',
      'UNDELETED',
      'UNDRAFT',
      'KEYWORD $junk',
      'KEYWORD work',
      'UNKEYWORD other',
      'ALL',
      'OLD',
    ])
      expect(search(k, r).final, k).toBe(true);
    for (const k of [
      'UNSEEN',
      'UNFLAGGED',
      'ANSWERED',
      'DELETED',
      'DRAFT',
      'KEYWORD other',
      'UNKEYWORD $Junk',
      'NEW',
      'RECENT',
    ])
      expect(search(k, r).final, k).toBe(false);
    expect(search('KEYWORD \\Seen', r).final).toBe(true);
  });

  it('RECENT, NEW and OLD follow the session’s \\Recent', () => {
    const recent = (keys: string, flags: number) => {
      const command = parseLine(`a SEARCH ${keys}`);
      if (command.name !== 'SEARCH') throw new Error('not SEARCH');
      const r = record(10, { flags });
      return planSearch(command.program.keys, view).matcher.test({
        ...r,
        seq: 1,
        recent: true,
        record: r,
        header: null,
        body: null,
      });
    };
    expect(recent('RECENT', 0)).toBe(true);
    expect(recent('NEW', 0)).toBe(true);
    expect(recent('NEW', FLAG.seen)).toBe(false);
    expect(recent('OLD', 0)).toBe(false);
  });

  it('sequence sets and UID sets, with * and the saved result $', () => {
    expect(search('2:4', record(30)).final).toBe(true);
    expect(search('2:4', record(50)).final).toBe(false);
    expect(search('*', record(50)).final).toBe(true);
    expect(search('UID 15:35', record(30)).final).toBe(true);
    expect(search('UID *', record(50)).final).toBe(true);
    expect(search('UID 1:5', record(10)).final).toBe(false);
    view.savedSearch = Uint32Array.from([40, 20]);
    expect(search('UID $', record(20)).final).toBe(true);
    expect(search('$', record(30)).final).toBe(false);
    view.savedSearch = null;
    expect(search('UID $', record(20)).final).toBe(false);
  });

  it('sizes, internal dates (UTC days) and MODSEQ', () => {
    const r = record(20); // 2,000 bytes, 2 Feb 2026, modseq 20
    expect(search('LARGER 1999', r).final).toBe(true);
    expect(search('LARGER 2000', r).final).toBe(false);
    expect(search('SMALLER 2001', r).final).toBe(true);
    expect(search('ON 2-Feb-2026', r).final).toBe(true);
    expect(search('SINCE 2-Feb-2026', r).final).toBe(true);
    expect(search('BEFORE 2-Feb-2026', r).final).toBe(false);
    expect(search('BEFORE 3-Feb-2026', r).final).toBe(true);
    expect(search('MODSEQ 20', r).final).toBe(true);
    expect(search('MODSEQ 21', r).final).toBe(false);
    expect(search('MODSEQ "/flags/\\\\Seen" all 5', r).final).toBe(true);
  });

  it('FROM, TO, CC and SUBJECT match the decoded index case-insensitively, Chinese included', () => {
    const r = record(10);
    for (const k of [
      'FROM 张三',
      'FROM ZHANG.SAN@',
      'TO team',
      'SUBJECT 季度',
      'SUBJECT "报告 10"',
      'CHARSET UTF-8 SUBJECT 报告',
    ])
      expect(search(k, r).final, k).toBe(true);
    expect(search('SUBJECT 月度', r).final).toBe(false);
    // The index's no waits for the header: it keeps one From address and no group names.
    const h = header('From: 张三 <zhang.san@example.cn>\nTo: team@example.cn\n\n');
    for (const k of ['FROM 李四', 'CC team']) {
      expect(search(k, r).first, k).toBeUndefined();
      expect(search(k, r, { header: h }).final, k).toBe(false);
    }
    expect(search('FROM 张三', r).first).toBe(true);
  });

  it('FROM and TO find every address of the header and group names (imaptest search-addresses)', () => {
    const r = record(10);
    const h = header(
      'From: a@example.cn, second@example.cn\nTo: crew: x@example.cn, y@example.cn;, other: z@example.cn;\n\n',
    );
    for (const k of ['FROM second@', 'TO crew', 'TO other', 'TO y@example']) {
      expect(search(k, r).first, k).toBeUndefined(); // not in the index
      expect(search(k, r, { header: h }).final, k).toBe(true);
    }
    expect(search('TO nobody', r, { header: h }).final).toBe(false);
  });

  it('BCC, HEADER and SENT* wait for the header section, in the Date header’s own time zone', () => {
    const r = record(10);
    const h = header(
      'Date: Tue, 3 Feb 2026 01:00:00 +0800\nBcc: =?utf-8?B?5p2O5Zub?= <li@x.cn>\nX-Priority: 1\n\n',
    );
    expect(search('BCC 李四', r).first).toBeUndefined();
    expect(search('BCC 李四', r, { header: h }).final).toBe(true);
    expect(search('SENTON 3-Feb-2026', r, { header: h }).final).toBe(true);
    expect(search('SENTBEFORE 3-Feb-2026', r, { header: h }).final).toBe(false);
    expect(search('SENTSINCE 4-Feb-2026', r, { header: h }).final).toBe(false);
    expect(search('HEADER X-Priority 1', r, { header: h }).final).toBe(true);
    expect(search('HEADER X-Priority ""', r, { header: h }).final).toBe(true);
    expect(search('HEADER X-Mailer ""', r, { header: h }).final).toBe(false);
    expect(search('SENTON 3-Feb-2026', r, { header: header('Subject: no date\n\n') }).final).toBe(false);
  });

  it('BODY and TEXT need the body unless the header or a cheaper key decides', () => {
    const r = record(10, { flags: FLAG.seen });
    const plan = search('BODY 销售 TEXT 季度', r);
    expect([...plan.needles].sort()).toEqual(['季度', '销售']);
    expect(plan.first).toBeUndefined();
    expect(search('UNSEEN BODY 销售', r).first).toBe(false);
    expect(search('OR SEEN BODY 销售', r).first).toBe(true);
    expect(search('TEXT 季度', r, { header: header('Subject: 季度\n\n') }).final).toBe(true);
    expect(search('BODY 销售', r, { body: new Set(['销售']) }).final).toBe(true);
    expect(search('NOT BODY 销售', r, { body: new Set() }).final).toBe(true);
  });

  it('NOT, OR and parenthesized groups nest', () => {
    const r = record(30, { flags: FLAG.answered });
    expect(search('NOT (SEEN OR FLAGGED DELETED)', r).final).toBe(true);
    expect(search('OR (SEEN ANSWERED) (LARGER 100 UID 30)', r).final).toBe(true);
    expect(search('NOT NOT ANSWERED', r).final).toBe(true);
    expect(search('(ANSWERED) NOT 3', r).final).toBe(false);
  });
});
