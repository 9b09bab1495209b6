import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../../../test/harness/databases.js';
import type { RawImap } from '../../../../../../test/harness/imap-raw.js';
import { type ImapHarness, imapHarness } from '../testing/harness.js';

// SEARCH, SORT and THREAD through whole sessions (in-memory sockets, a real store on both engines).
const databases = useDatabases();
const crlf = (s: string) => s.replace(/\r?\n/g, '\r\n');
const b64 = (bytes: Buffer) => (bytes.toString('base64').match(/.{1,76}/g) ?? []).join('\n');

/** Three messages: Chinese with a GBK body, its reply in quoted-printable UTF-8, an English HTML one. */
const MESSAGES = [
  crlf(
    [
      'From: =?utf-8?B?5byg5LiJ?= <zhang.san@example.cn>',
      'To: team@example.cn',
      'Subject: =?utf-8?B?5a2j5bqm5oql5ZGK?=',
      'Date: Tue, 3 Feb 2026 01:00:00 +0800',
      'Message-ID: <q1@example.cn>',
      'Content-Type: text/plain; charset=gbk',
      'Content-Transfer-Encoding: base64',
      '',
      b64(iconv.encode('请查收附件中的销售数据。', 'gbk')),
      '',
    ].join('\n'),
  ),
  crlf(
    [
      'From: li.si@example.cn',
      'To: =?utf-8?B?5byg5LiJ?= <zhang.san@example.cn>',
      'Subject: Re: =?utf-8?B?5a2j5bqm5oql5ZGK?=',
      'Date: Wed, 4 Feb 2026 09:00:00 +0800',
      'Message-ID: <q2@example.cn>',
      'In-Reply-To: <q1@example.cn>',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      '=E9=A1=B9=E7=9B=AE=E8=BF=9B=E5=BA=A6 Project Status',
      '',
    ].join('\n'),
  ),
  crlf(
    [
      'From: Ann <ann@example.com>',
      'To: bob@example.com',
      'Bcc: ceo@example.com',
      'Subject: Budget plan',
      'Date: Mon, 2 Feb 2026 12:00:00 +0000',
      'Message-ID: <b1@example.com>',
      'X-Priority: 1',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>The <b>budget</b> is&nbsp;approved.</p>',
      '',
    ].join('\n'),
  ),
];

const DATES = ['05-Feb-2026 10:00:00 +0000', '06-Feb-2026 10:00:00 +0000', '01-Feb-2026 10:00:00 +0000'];

/** `SEARCH ...` with `text` sent as a literal (8-bit search strings). */
function literal(text: string): string {
  return `{${Buffer.byteLength(text)}+}\r\n${text}`;
}

describe.each(databases.engines)('SEARCH, SORT and THREAD on %s', (engine) => {
  let h: ImapHarness;
  let c: RawImap;
  beforeAll(async () => {
    h = await imapHarness(await databases.fresh(engine));
    c = await h.login(await h.addUser());
    for (const [i, message] of MESSAGES.entries()) {
      const bytes = Buffer.from(message, 'utf8');
      c.write(`ap APPEND INBOX "${DATES[i]}" {${bytes.length}+}\r\n`);
      c.write(Buffer.concat([bytes, Buffer.from('\r\n')]));
      await c.answer('ap');
    }
    await c.command('s', 'SELECT INBOX');
  });
  afterAll(() => h.close());

  const search = async (keys: string) => {
    const { untagged, status } = await c.command('a', `SEARCH ${keys}`);
    expect(status).toMatch(/^a OK /);
    return untagged;
  };

  it('advertises ESEARCH, SEARCHRES, SORT, SORT=DISPLAY, THREAD and BINARY', async () => {
    const { untagged } = await c.command('c', 'CAPABILITY');
    for (const cap of [
      'ESEARCH',
      'SEARCHRES',
      'SORT',
      'SORT=DISPLAY',
      'THREAD=REFERENCES',
      'THREAD=ORDEREDSUBJECT',
      'BINARY',
    ])
      expect(untagged[0]?.split(' ')).toContain(cap);
  });

  it('matches Chinese subjects, names and bodies (GBK base64, UTF-8 quoted-printable), and HTML words', async () => {
    expect(await search(`CHARSET UTF-8 SUBJECT ${literal('季度报告')}`)).toEqual(['* SEARCH 1 2']);
    expect(await search(`CHARSET UTF-8 FROM ${literal('张三')}`)).toEqual(['* SEARCH 1']);
    expect(await search(`CHARSET UTF-8 TO ${literal('张三')}`)).toEqual(['* SEARCH 2']);
    expect(await search(`CHARSET UTF-8 BODY ${literal('销售数据')}`)).toEqual(['* SEARCH 1']);
    expect(await search(`CHARSET UTF-8 TEXT ${literal('项目进度')}`)).toEqual(['* SEARCH 2']);
    expect(await search('BODY "project STATUS"')).toEqual(['* SEARCH 2']);
    expect(await search('BODY "is approved"')).toEqual(['* SEARCH 3']);
    expect(await search('BODY budget NOT SUBJECT budget')).toEqual(['* SEARCH']);
    // A GB2312 search string (Foxmail and older Chinese clients may send one): decoded by the protocol layer.
    c.write(
      Buffer.concat([
        Buffer.from('g SEARCH CHARSET GB2312 BODY {4+}\r\n'),
        iconv.encode('销售', 'gb2312'),
        Buffer.from('\r\n'),
      ]),
    );
    expect(await c.answer('g')).toEqual({ untagged: ['* SEARCH 1'], status: 'g OK SEARCH completed' });
  });

  it('searches header fields, dates in the sender’s zone, sizes and flags', async () => {
    expect(await search('BCC ceo@')).toEqual(['* SEARCH 3']);
    expect(await search('HEADER X-Priority 1')).toEqual(['* SEARCH 3']);
    expect(await search('HEADER In-Reply-To ""')).toEqual(['* SEARCH 2']);
    expect(await search('SENTON 3-Feb-2026')).toEqual(['* SEARCH 1']); // 2 Feb in UTC
    expect(await search('SENTBEFORE 3-Feb-2026')).toEqual(['* SEARCH 3']);
    expect(await search('SINCE 5-Feb-2026')).toEqual(['* SEARCH 1 2']);
    expect(await search('ON 1-Feb-2026')).toEqual(['* SEARCH 3']);
    const size = Buffer.byteLength(MESSAGES[2] as string);
    expect(await search(`LARGER ${size - 1} SMALLER ${size + 1}`)).toEqual(['* SEARCH 3']);
    expect(await search(`NOT LARGER ${size - 1}`)).toEqual(['* SEARCH']);
    expect(await search('OR 1 3 NOT 3')).toEqual(['* SEARCH 1']);
    await c.command('f', 'STORE 2 +FLAGS.SILENT (\\Flagged $Work)');
    expect(await search('FLAGGED KEYWORD $work UNSEEN')).toEqual(['* SEARCH 2']);
    expect((await c.command('u', 'UID SEARCH 2:3 UNFLAGGED')).untagged).toEqual(['* SEARCH 3']);
  });

  it('answers ESEARCH to RETURN, saves $ and says BADCHARSET for an unknown charset', async () => {
    expect(await search('RETURN (MIN MAX COUNT ALL) ALL')).toEqual([
      '* ESEARCH (TAG "a") MIN 1 MAX 3 ALL 1:3 COUNT 3',
    ]);
    expect(await search('RETURN () SUBJECT nothing-like-this')).toEqual(['* ESEARCH (TAG "a")']);
    expect(await search(`RETURN (SAVE) CHARSET UTF-8 SUBJECT ${literal('季度')}`)).toEqual([]);
    expect((await c.command('f', 'FETCH $ (UID)')).untagged).toEqual([
      '* 1 FETCH (UID 1)',
      '* 2 FETCH (UID 2)',
    ]);
    expect(await search('UID $ NOT 1')).toEqual(['* SEARCH 2']);
    expect((await c.command('u', 'UID SEARCH RETURN (COUNT MIN) 2:3')).untagged).toEqual([
      '* ESEARCH (TAG "u") UID MIN 2 COUNT 2',
    ]);
    expect((await c.command('b', 'SEARCH CHARSET X-NOPE ALL')).status).toMatch(/^b NO \[BADCHARSET/);
  });

  it('reports the highest MODSEQ of the matches when MODSEQ is a key', async () => {
    const lines = await search('MODSEQ 1');
    // The first CONDSTORE enabling command in the selected state also tells HIGHESTMODSEQ (RFC 7162 §3.1).
    expect(lines).toEqual([
      expect.stringMatching(/^\* OK \[HIGHESTMODSEQ \d+\]/),
      expect.stringMatching(/^\* SEARCH 1 2 3 \(MODSEQ \d+\)$/),
    ]);
  });

  it('sorts by subject, date, arrival, sender, size, each possibly reversed', async () => {
    const sort = async (criteria: string) => (await c.command('s', `SORT (${criteria}) UTF-8 ALL`)).untagged;
    expect(await sort('SUBJECT')).toEqual(['* SORT 3 1 2']);
    expect(await sort('DATE')).toEqual(['* SORT 3 1 2']); // 3 Feb 01:00 +0800 is after 2 Feb 12:00 UTC
    expect(await sort('REVERSE ARRIVAL')).toEqual(['* SORT 2 1 3']);
    expect(await sort('FROM')).toEqual(['* SORT 3 2 1']);
    expect(await sort('DISPLAYFROM')).toEqual(['* SORT 3 2 1']);
    expect(await sort('SIZE')).toEqual([expect.stringMatching(/^\* SORT [123] [123] [123]$/)]);
    expect(
      (await c.command('u', `UID SORT (REVERSE SUBJECT) UTF-8 CHARSET UTF-8 SUBJECT ${literal('季度')}`))
        .status,
    ).toMatch(/^u BAD/);
    expect(
      (await c.command('u', `UID SORT (REVERSE DATE) UTF-8 SUBJECT ${literal('季度')}`)).untagged,
    ).toEqual(['* SORT 2 1']);
  });

  it('threads by references and by subject', async () => {
    expect((await c.command('t', 'THREAD REFERENCES UTF-8 ALL')).untagged).toEqual(['* THREAD (3)(1 2)']);
    expect((await c.command('t', 'THREAD ORDEREDSUBJECT UTF-8 ALL')).untagged).toEqual(['* THREAD (3)(1 2)']);
    expect((await c.command('t', 'UID THREAD REFERENCES UTF-8 NOT 1')).untagged).toEqual(['* THREAD (3)(2)']);
    expect((await c.command('t', 'THREAD XYZ UTF-8 ALL')).status).toMatch(/^t BAD/);
  });

  it('answers SEARCH with ESEARCH once IMAP4rev2 is enabled', async () => {
    const rev2 = await h.login((await h.users.values().next()).value as never);
    await rev2.command('e', 'ENABLE IMAP4rev2');
    await rev2.command('s', 'SELECT INBOX');
    await rev2.command('f', 'STORE 2:3 +FLAGS.SILENT (\\Answered)');
    expect((await rev2.command('x', 'SEARCH ANSWERED')).untagged).toEqual(['* ESEARCH (TAG "x") ALL 2:3']);
    expect((await rev2.command('y', 'SEARCH DELETED')).untagged).toEqual(['* ESEARCH (TAG "y")']);
  });
});
