import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dovecot, startDovecot } from './harness/dovecot.js';
import { type DiffServer, type DiffStep, diffLines, imapDiff, normalizeLine } from './harness/imap-diff.js';
import { literal } from './harness/imap-wire.js';
import { encodeMutf7 } from './harness/mutf7.js';

const PLAIN = [
  'From: =?UTF-8?B?5p2O5aic?= <li.na@example.test>',
  'To: ana@example.test',
  'Subject: =?UTF-8?B?5a2j5bqm5oql5ZGK?= Q3',
  'Date: Mon, 05 Jan 2026 08:00:00 +0800',
  'Message-ID: <q3@example.test>',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: 8bit',
  '',
  '第三季度报告已经完成。',
  '',
].join('\r\n');

const MULTIPART = [
  'From: Bob <bob@example.test>',
  'To: ana@example.test',
  'Subject: minutes',
  'Date: Tue, 06 Jan 2026 09:30:00 +0000',
  'Message-ID: <minutes@example.test>',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="b1"',
  '',
  '--b1',
  'Content-Type: text/plain; charset=us-ascii',
  '',
  'See the attachment.',
  '--b1',
  'Content-Type: application/octet-stream; name="a.bin"',
  'Content-Transfer-Encoding: base64',
  '',
  'AAECAwQFBgc=',
  '--b1--',
  '',
].join('\r\n');

const PROJECT = encodeMutf7('项目');

/** A session of the kinds the IMAP listener will be compared on: folders, APPEND, FETCH, SEARCH, IDLE, MOVE. */
const SCRIPT: DiffStep[] = [
  'CAPABILITY',
  'LOGIN "$USER" "$PASS"',
  'LIST "" "*"',
  `CREATE "${PROJECT}"`,
  ['APPEND INBOX (\\Seen) "05-Jan-2026 08:00:00 +0800" ', literal(PLAIN)],
  ['APPEND INBOX ', literal(MULTIPART)],
  'SELECT INBOX',
  'FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)',
  'FETCH 2 (BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)] BODY.PEEK[2.MIME])',
  'UID SEARCH UNSEEN',
  'SEARCH CHARSET UTF-8 SUBJECT Q3',
  'STORE 2 +FLAGS ($Forwarded \\Flagged)',
  { session: 'b', command: 'LOGIN "$USER" "$PASS"' },
  { session: 'b', command: 'SELECT INBOX' },
  { session: 'b', idle: true },
  ['APPEND INBOX ', literal(PLAIN.replace('<q3@', '<q3-again@'))],
  { session: 'b', waitFor: /EXISTS/ },
  { session: 'b', done: true },
  `UID MOVE 1 "${PROJECT}"`,
  `STATUS "${PROJECT}" (MESSAGES UIDNEXT UIDVALIDITY UNSEEN)`,
  `SELECT "${PROJECT}"`,
  'FETCH 1 (FLAGS BODY[TEXT])',
  'LOGOUT',
  { session: 'b', command: 'LOGOUT' },
];

describe('differential IMAP harness, Dovecot against Dovecot', () => {
  let one: Dovecot;
  let two: Dovecot;
  // One user per test: each test starts from empty mailboxes on both servers.
  const users = [
    { name: 'ana@example.test', password: 'secret-ana' },
    { name: 'bob@example.test', password: 'secret-bob' },
  ];
  const server = (d: Dovecot, user: 'ana' | 'bob'): DiffServer => ({
    target: { port: d.imapPort },
    user: `${user}@example.test`,
    password: `secret-${user}`,
  });

  beforeAll(async () => {
    [one, two] = await Promise.all([
      startDovecot({ users, tls: false }),
      startDovecot({ users, tls: false }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([one?.stop(), two?.stop()]);
  });

  it('finds two instances of the same server alike once UIDVALIDITY, dates and texts are masked', async () => {
    const r = await imapDiff(server(one, 'ana'), server(two, 'ana'), SCRIPT);
    expect(r.diff).toBe('');
    expect(r.same).toBe(true);
    // The masking was needed: the raw transcripts differ (UIDVALIDITY, INTERNALDATE of the APPEND
    // without a date) …
    expect(r.raw.a).not.toEqual(r.raw.b);
    // … and what is compared still says what happened, in order, in both sessions.
    expect(r.a).toContain('a C: <tag> SELECT INBOX');
    expect(r.a).toContain('a S: * 2 EXISTS');
    expect(r.a).toContain('a S: * OK [UIDVALIDITY <uidvalidity>]');
    expect(r.a).toContain('b S: * 3 EXISTS');
    expect(r.a).toContain(`a S: <tag> OK [APPENDUID <uidvalidity> 1]`);
    expect(r.a.some((l) => /^a S: \* OK \[COPYUID <uidvalidity> 1 1\]$/.test(l))).toBe(true);
    expect(r.a).toContain('a S: * 1 EXPUNGE');
    expect(r.a).toContain('a S: * SEARCH 1');
    expect(r.a.find((l) => l.startsWith('a S:') && l.includes('BODY[TEXT]'))).toContain(
      '第三季度报告已经完成。',
    );
    expect(r.a.find((l) => l.startsWith('a S:') && l.includes('INTERNALDATE'))).toContain(
      'INTERNALDATE "<date>"',
    );
    expect(r.a[0]).toBe('a S: * OK [CAPABILITY <capabilities>]');
  });

  it('shows where two servers answer differently', async () => {
    // The second instance's INBOX already has a message: every count and sequence number after
    // SELECT moves by one, and the diff names those lines.
    await two.append('bob@example.test', 'INBOX', MULTIPART.replace('<minutes@', '<earlier@'));
    const r = await imapDiff(server(one, 'bob'), server(two, 'bob'), SCRIPT);
    expect(r.same).toBe(false);
    expect(r.diff).toMatch(/^- a S: \* 2 EXISTS$/m);
    expect(r.diff).toMatch(/^\+ a S: \* 3 EXISTS$/m);
    expect(r.diff).toMatch(/^- b S: \* 3 EXISTS$/m);
    expect(r.diff).toMatch(/^\+ b S: \* 4 EXISTS$/m);
  });
});

describe('normalizeLine', () => {
  it('masks tags, texts, capabilities, UIDVALIDITY, dates and modseqs, and keeps the rest', () => {
    const n = (l: string) => normalizeLine(l);
    expect(n('a S: A7 OK [READ-WRITE] Select completed (0.002 + 0.000 secs).')).toBe(
      'a S: <tag> OK [READ-WRITE]',
    );
    expect(n('a S: A7 NO Mailbox does not exist')).toBe('a S: <tag> NO');
    expect(n('a S: * OK [UIDVALIDITY 1767225600] UIDs valid')).toBe('a S: * OK [UIDVALIDITY <uidvalidity>]');
    expect(n('a S: * BYE Logging out')).toBe('a S: * BYE');
    expect(n('b S: + idling')).toBe('b S: +');
    expect(n('a S: * CAPABILITY IMAP4rev1 IDLE')).toBe('a S: * CAPABILITY <capabilities>');
    expect(n('a S: A1 OK [CAPABILITY IMAP4rev2 IMAP4rev1] Logged in')).toBe(
      'a S: <tag> OK [CAPABILITY <capabilities>]',
    );
    expect(n('a S: * STATUS x (MESSAGES 2 UIDVALIDITY 99 HIGHESTMODSEQ 4)')).toBe(
      'a S: * STATUS x (MESSAGES 2 UIDVALIDITY <uidvalidity> HIGHESTMODSEQ <modseq>)',
    );
    expect(n('a S: * 1 FETCH (MODSEQ (12) INTERNALDATE "05-Jan-2026 08:00:00 +0800" UID 3)')).toBe(
      'a S: * 1 FETCH (MODSEQ (<modseq>) INTERNALDATE "<date>" UID 3)',
    );
    expect(n('a S: A4 OK [COPYUID 1767225600 1:2 5:6] Moved')).toBe(
      'a S: <tag> OK [COPYUID <uidvalidity> 1:2 5:6]',
    );
    // Not masked: counts, UIDs, flags, data.
    expect(n('a S: * 3 EXISTS')).toBe('a S: * 3 EXISTS');
    expect(n('a S: * 1 FETCH (FLAGS (\\Seen))')).toBe('a S: * 1 FETCH (FLAGS (\\Seen))');
    expect(normalizeLine('a S: * OK [HIGHESTMODSEQ 7] Highest', { modseq: false })).toBe(
      'a S: * OK [HIGHESTMODSEQ 7]',
    );
  });

  it('diffLines marks removed and added lines with context', () => {
    const d = diffLines(['x', 'a', 'b', 'c'], ['x', 'a', 'B', 'c']);
    expect(d.split('\n')).toEqual(['  x', '  a', '- b', '+ B', '  c']);
  });
});
