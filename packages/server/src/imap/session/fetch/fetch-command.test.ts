import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../../../test/harness/databases.js';
import type { RawImap } from '../../../../../../test/harness/imap-raw.js';
import { type ImapHarness, imapHarness, type TestUser } from '../testing/harness.js';

// FETCH and UID FETCH through whole sessions (in-memory sockets, a real store on both engines).
const databases = useDatabases();
const crlf = (s: string) => s.replace(/\r?\n/g, '\r\n');

const SIMPLE = crlf(
  'From: "Ann Lee" <ann@x.test>\nTo: bob@x.test\nSubject: Hello\nDate: Tue, 3 Feb 2026 10:00:00 +0800\nMessage-ID: <m1@x.test>\n\nLine one\nLine two\n',
);
const MULTIPART = crlf(
  [
    'From: ann@x.test',
    'Subject: =?utf-8?B?5a2j5bqm5oql5ZGK?=',
    'Content-Type: multipart/mixed; boundary=b',
    '',
    '--b',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    'Hi =E4=BD=A0',
    '--b',
    'Content-Type: application/octet-stream',
    'Content-Transfer-Encoding: base64',
    '',
    'AAECAwQ=',
    '--b',
    'Content-Type: text/plain',
    'Content-Transfer-Encoding: x-uuencode',
    '',
    'begin 644 a',
    '--b--',
    '',
  ].join('\n'),
);

async function append(c: RawImap, message: string, mailbox = 'INBOX'): Promise<void> {
  const bytes = Buffer.from(message, 'utf8');
  c.write(`ap APPEND ${mailbox} "03-Feb-2026 02:00:00 +0000" {${bytes.length}+}\r\n`);
  c.write(Buffer.concat([bytes, Buffer.from('\r\n')]));
  const answer = await c.answer('ap');
  if (!answer.status.startsWith('ap OK')) throw new Error(answer.status);
}

describe.each(databases.engines)('FETCH on %s', (engine) => {
  let h: ImapHarness;
  beforeAll(async () => {
    h = await imapHarness(await databases.fresh(engine));
  });
  afterAll(() => h.close());

  async function mailbox(...messages: string[]): Promise<{ user: TestUser; c: RawImap }> {
    const user = await h.addUser();
    const c = await h.login(user);
    for (const m of messages) await append(c, m);
    // IMAP4rev2: no \Recent in FLAGS (RFC 9051 Appendix E), so answers do not depend on who selected first.
    await c.command('e', 'ENABLE IMAP4rev2');
    const selected = await c.command('s', 'SELECT INBOX');
    if (!selected.status.startsWith('s OK')) throw new Error(selected.status);
    return { user, c };
  }

  it('answers FLAGS, UID, INTERNALDATE, RFC822.SIZE, ENVELOPE, BODY and BODYSTRUCTURE', async () => {
    const { c } = await mailbox(SIMPLE);
    const { untagged, status } = await c.command(
      'a',
      'FETCH 1 (FLAGS UID INTERNALDATE RFC822.SIZE ENVELOPE BODY BODYSTRUCTURE)',
    );
    expect(status).toBe('a OK FETCH completed');
    expect(untagged).toEqual([
      `* 1 FETCH (FLAGS () UID 1 INTERNALDATE "03-Feb-2026 02:00:00 +0000" RFC822.SIZE ${SIMPLE.length} ` +
        'ENVELOPE ("Tue, 3 Feb 2026 10:00:00 +0800" "Hello" (("Ann Lee" NIL "ann" "x.test")) (("Ann Lee" NIL "ann" "x.test")) (("Ann Lee" NIL "ann" "x.test")) ((NIL NIL "bob" "x.test")) NIL NIL NIL "<m1@x.test>") ' +
        'BODY ("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 20 2) ' +
        'BODYSTRUCTURE ("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 20 2 NIL NIL NIL NIL))',
    ]);
    const macro = await c.command('b', 'FETCH 1 FAST');
    expect(macro.untagged).toEqual([
      `* 1 FETCH (FLAGS () INTERNALDATE "03-Feb-2026 02:00:00 +0000" RFC822.SIZE ${SIMPLE.length})`,
    ]);
  });

  it('answers body sections byte for byte, and BODY[] sets \\Seen in the same response', async () => {
    const { c } = await mailbox(SIMPLE, MULTIPART);
    const peek = await c.command(
      'a',
      'FETCH 1 (BODY.PEEK[HEADER.FIELDS (Subject From)] BODY.PEEK[TEXT]<5.8> BODY.PEEK[1.MIME])',
    );
    expect(peek.untagged).toEqual([
      `* 1 FETCH (BODY[HEADER.FIELDS (Subject From)] {48}\r\nFrom: "Ann Lee" <ann@x.test>\r\nSubject: Hello\r\n\r\n BODY[TEXT]<5> {8}\r\none\r\nLin BODY[1.MIME] {${SIMPLE.indexOf('\r\n\r\n') + 4}}\r\n${SIMPLE.slice(0, SIMPLE.indexOf('\r\n\r\n') + 4)})`,
    ]);
    const body = await c.command('b', 'FETCH 1 BODY[]');
    expect(body.untagged).toEqual([`* 1 FETCH (BODY[] {${SIMPLE.length}}\r\n${SIMPLE} FLAGS (\\Seen))`]);
    expect((await c.command('c', 'FETCH 1 BODY[]')).untagged).toEqual([
      `* 1 FETCH (BODY[] {${SIMPLE.length}}\r\n${SIMPLE})`,
    ]);
    const parts = await c.command(
      'd',
      'UID FETCH 2 (BODY.PEEK[1] BINARY.PEEK[1] BINARY.SIZE[1] BINARY.PEEK[2] RFC822.HEADER)',
    );
    const header = MULTIPART.slice(0, MULTIPART.indexOf('\r\n\r\n') + 4);
    expect(parts.untagged).toEqual([
      `* 2 FETCH (UID 2 BODY[1] {12}\r\nHi =E4=BD=A0 BINARY[1] ~{6}\r\nHi 你 BINARY.SIZE[1] 6 BINARY[2] ~{5}\r\n\x00\x01\x02\x03\x04 RFC822.HEADER {${Buffer.byteLength(header)}}\r\n${header})`,
    ]);
    expect((await c.command('e', 'FETCH 2 (FLAGS)')).untagged).toEqual(['* 2 FETCH (FLAGS ())']);
    const unknown = await c.command('f', 'FETCH 2 (BINARY.PEEK[3])');
    expect(unknown).toEqual({ untagged: [], status: expect.stringMatching(/^f NO \[UNKNOWN-CTE\] /) });
    const rfc822 = await c.command('g', 'FETCH 2 (RFC822.TEXT)');
    expect(rfc822.untagged[0]).toMatch(
      /^\* 2 FETCH \(RFC822\.TEXT \{\d+\}\r\n--b\r\n.*--b--\r\n FLAGS \(\\Seen\)\)$/s,
    );
  });

  it('adds \\Recent to FLAGS for an IMAP4rev1 session that has the message as recent', async () => {
    const user = await h.addUser();
    const c = await h.login(user);
    await append(c, SIMPLE);
    await c.command('s', 'SELECT INBOX');
    expect((await c.command('a', 'FETCH 1 (FLAGS)')).untagged).toEqual(['* 1 FETCH (FLAGS (\\Recent))']);
    expect((await c.command('b', 'FETCH 1 (BODY[TEXT])')).untagged).toEqual([
      '* 1 FETCH (BODY[TEXT] {20}\r\nLine one\r\nLine two\r\n FLAGS (\\Seen \\Recent))',
    ]);
  });

  it('does not set \\Seen in an EXAMINEd mailbox, and tells another session of the change', async () => {
    const { user, c } = await mailbox(SIMPLE, SIMPLE);
    const other = await h.login(user);
    await other.command('s', 'SELECT INBOX');
    await c.command('x', 'EXAMINE INBOX');
    expect((await c.command('a', 'FETCH 1 (BODY[TEXT] FLAGS)')).untagged).toEqual([
      '* 1 FETCH (BODY[TEXT] {20}\r\nLine one\r\nLine two\r\n FLAGS ())',
    ]);
    await c.command('y', 'SELECT INBOX');
    expect((await c.command('b', 'FETCH 2 (RFC822)')).untagged[0]).toMatch(/ FLAGS \(\\Seen\)\)$/);
    expect((await c.command('c', 'NOOP')).untagged).toEqual([]);
    expect((await other.command('d', 'NOOP')).untagged).toEqual(['* 2 FETCH (UID 2 FLAGS (\\Seen))']);
  });

  it('CHANGEDSINCE answers only changed messages with MODSEQ; VANISHED (EARLIER) needs QRESYNC', async () => {
    const { c } = await mailbox(SIMPLE, SIMPLE, SIMPLE);
    const { untagged } = await c.command('a', 'FETCH 1:3 (MODSEQ)');
    // The first CONDSTORE enabling command also sends `* OK [HIGHESTMODSEQ n]` (RFC 7162 §3.1).
    expect(untagged[0]).toMatch(/^\* OK \[HIGHESTMODSEQ \d+\]/);
    const fetched = untagged.filter((l) => l.includes(' FETCH '));
    const modseq = Math.max(...fetched.map((l) => Number(/MODSEQ \((\d+)\)/.exec(l)?.[1])));
    await c.command('b', 'STORE 2 +FLAGS.SILENT (\\Flagged)');
    const changed = await c.command('c', `FETCH 1:* (FLAGS) (CHANGEDSINCE ${modseq})`);
    expect(changed.untagged).toEqual([
      expect.stringMatching(/^\* 2 FETCH \(FLAGS \(\\Flagged\) MODSEQ \(\d+\)\)$/),
    ]);
    expect((await c.command('d', `UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${modseq} VANISHED)`)).status).toMatch(
      /^d BAD /,
    );
    await c.command('e', 'ENABLE QRESYNC');
    await c.command('f', 'STORE 3 +FLAGS.SILENT (\\Deleted)');
    await c.command('g', 'EXPUNGE');
    const vanished = await c.command('h', `UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${modseq} VANISHED)`);
    expect(vanished.untagged).toEqual([
      '* VANISHED (EARLIER) 3',
      expect.stringMatching(/^\* 2 FETCH \(UID 2 FLAGS \(\\Flagged\) MODSEQ \(\d+\)\)$/),
    ]);
  });

  it('skips messages another session expunged, never sends EXPUNGE during FETCH, and says EXPUNGEISSUED', async () => {
    const { user, c } = await mailbox(SIMPLE, SIMPLE, SIMPLE);
    const other = await h.login(user);
    await other.command('s', 'SELECT INBOX');
    await other.command('a', 'STORE 2 +FLAGS.SILENT (\\Deleted)');
    await other.command('b', 'EXPUNGE');
    const fetched = await c.command('c', 'FETCH 1:3 (UID)');
    expect(fetched.untagged).toEqual(['* 1 FETCH (UID 1)', '* 3 FETCH (UID 3)']);
    expect(fetched.status).toMatch(/^c OK \[EXPUNGEISSUED\] /);
    const byUid = await c.command('d', 'UID FETCH 1:3 (FLAGS)');
    expect(byUid.untagged).toEqual([
      '* 1 FETCH (UID 1 FLAGS ())',
      '* 3 FETCH (UID 3 FLAGS ())',
      '* 2 EXPUNGE',
    ]);
    expect((await c.command('e', 'FETCH 2 (UID)')).untagged).toEqual(['* 2 FETCH (UID 3)']);
  });
});
