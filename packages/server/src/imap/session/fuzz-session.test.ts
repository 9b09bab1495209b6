import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../../test/harness/databases.js';
import type { RawImap } from '../../../../../test/harness/imap-raw.js';
import { deliverText } from '../../../../../test/harness/mail-store.js';
import { type ImapHarness, imapHarness } from './testing/harness.js';

// Property test of whole sessions (issue 19: "random and malformed command streams never crash a
// session"): random sequences of commands — well-formed, or with arguments drawn from the edge
// cases that break servers (sequence 0, *:1, 2^32, $, empty and non-ASCII names, unbalanced
// parentheses, bad sections and partials, unknown keys) — sent to a logged-in session with real
// messages on a real store. Every command must get its own tagged OK, NO or BAD, never the
// NO [SERVERBUG] that an exception in a handler becomes, and the session must go on serving.
// The parser alone is fuzzed byte by byte in ../protocol/fuzz.test.ts.
const databases = useDatabases();

const MULTIPART = [
  'From: =?utf-8?B?5byg5LiJ?= <zhang@example.cn>',
  'To: a@example.test',
  'Subject: =?gbk?B?suLK1A==?= mixed',
  'Message-ID: <fuzz@example.test>',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="b1"',
  '',
  '--b1',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  '=E9=A1=B9=E7=9B=AE body',
  '--b1',
  'Content-Type: message/rfc822',
  '',
  'Subject: inner',
  'Content-Type: text/html',
  '',
  '<p>inner</p>',
  '--b1',
  'Content-Type: application/octet-stream; name="a.bin"',
  'Content-Transfer-Encoding: base64',
  '',
  'AAECAwQF',
  '--b1--',
  '',
].join('\r\n');

const seqs = fc.constantFrom(
  '1',
  '2',
  '1:*',
  '*',
  '*:1',
  '0',
  '1:0',
  '4294967295',
  '4294967296',
  '$',
  '1,,2',
  '3,1:2',
  '-1',
  'x',
  '1:*,*',
);
const names = fc.constantFrom(
  'INBOX',
  'inbox',
  '"项目"',
  '&mHl27g-',
  '&Jjo-',
  '&-',
  '&Jjo',
  '""',
  '"a/b"',
  'a/b/c',
  '%',
  '*',
  '"INBOX/"',
  '/',
  '"Sent"',
  'Trash',
  '"x y"',
  '"\\"q"',
  'Ü',
  '{3+}\r\nabc',
);
const flags = fc.constantFrom(
  '\\Seen',
  '\\Deleted',
  '\\Flagged',
  '\\Answered',
  '\\Draft',
  '\\Recent',
  '\\Bogus',
  '$Junk',
  '$Forwarded',
  'kw1',
  '(',
  ')',
  '()',
  '"\\Seen"',
  '\\*',
  '项目',
);
const fetchAtts = fc.constantFrom(
  'FLAGS',
  'ALL',
  'FAST',
  'FULL',
  'ENVELOPE',
  'BODYSTRUCTURE',
  'BODY',
  'BODY[]',
  'BODY.PEEK[]<0.10>',
  'BODY[1]',
  'BODY[2.1]',
  'BODY[2.HEADER]',
  'BODY[1.MIME]',
  'BODY[3]<2.1>',
  'BODY[9.9.9]',
  'BODY[HEADER.FIELDS (SUBJECT FROM)]',
  'BODY[HEADER.FIELDS.NOT ()]',
  'BODY[TEXT]<4294967295.5>',
  'BODY[0]',
  'BODY[<0.1>]',
  'BINARY[3]',
  'BINARY.PEEK[1]<1.3>',
  'BINARY.SIZE[3]',
  'BINARY[2]',
  'RFC822',
  'RFC822.HEADER',
  'RFC822.SIZE',
  'UID',
  'MODSEQ',
  'INTERNALDATE',
  '(FLAGS UID',
  'BODY[',
  'NOPE',
);
const searchKeys = fc.constantFrom(
  'ALL',
  'SEEN',
  'UNSEEN',
  'NEW',
  'OLD',
  'RECENT',
  'KEYWORD kw1',
  'SUBJECT 项目',
  'BODY body',
  'TEXT inner',
  'FROM zhang',
  'HEADER Message-ID fuzz',
  'LARGER 10',
  'SMALLER 0',
  'BEFORE 1-Jan-2030',
  'SINCE 32-Feb-2020',
  'SENTON 1-Jan-1970',
  'UID 1:*',
  'MODSEQ 1',
  'OR SEEN',
  'NOT',
  '(SEEN UNSEEN',
  '$',
  '1:*',
  'CHARSET GBK SUBJECT x',
  'CHARSET X-NOPE ALL',
  'RETURN (MIN MAX COUNT) ALL',
  'RETURN (SAVE) SEEN',
  'FUZZ',
);

/** One command line (a tag is added by the caller). */
const command: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(fc.constantFrom('FETCH', 'UID FETCH'), seqs, fc.array(fetchAtts, { minLength: 1, maxLength: 3 }))
    .map(([c, s, a]) => `${c} ${s} ${a.length > 1 ? `(${a.join(' ')})` : a[0]}`),
  fc
    .tuple(
      fc.constantFrom('FETCH', 'UID FETCH'),
      seqs,
      fc.constantFrom(
        '(FLAGS) (CHANGEDSINCE 1)',
        '(FLAGS) (CHANGEDSINCE 1 VANISHED)',
        '(FLAGS) (CHANGEDSINCE x)',
      ),
    )
    .map(([c, s, m]) => `${c} ${s} ${m}`),
  fc
    .tuple(
      fc.constantFrom('STORE', 'UID STORE'),
      seqs,
      fc.constantFrom('+FLAGS', '-FLAGS.SILENT', 'FLAGS', '+FLAGS (UNCHANGEDSINCE 1)', 'X-FLAGS'),
      fc.array(flags, { maxLength: 3 }),
    )
    .map(([c, s, op, f]) => `${c} ${s} ${op} (${f.join(' ')})`),
  fc
    .tuple(fc.constantFrom('SEARCH', 'UID SEARCH'), fc.array(searchKeys, { minLength: 1, maxLength: 3 }))
    .map(([c, k]) => `${c} ${k.join(' ')}`),
  fc
    .tuple(
      fc.constantFrom(
        'SORT (DATE)',
        'SORT (REVERSE SUBJECT FROM)',
        'SORT (DISPLAYFROM)',
        'SORT ()',
        'SORT (NOPE)',
        'THREAD REFERENCES',
        'THREAD ORDEREDSUBJECT',
        'THREAD NOPE',
        'UID SORT (ARRIVAL)',
      ),
      fc.constantFrom('UTF-8', 'US-ASCII', 'GBK', 'X'),
      searchKeys,
    )
    .map(([c, cs, k]) => `${c} ${cs} ${k}`),
  fc
    .tuple(fc.constantFrom('COPY', 'MOVE', 'UID COPY', 'UID MOVE'), seqs, names)
    .map(([c, s, n]) => `${c} ${s} ${n}`),
  fc
    .tuple(
      fc.constantFrom(
        'CREATE',
        'DELETE',
        'SUBSCRIBE',
        'UNSUBSCRIBE',
        'EXAMINE',
        'SELECT',
        'GETQUOTAROOT',
        'GETQUOTA',
      ),
      names,
    )
    .map(([c, n]) => `${c} ${n}`),
  fc.tuple(names, names).map(([a, b]) => `RENAME ${a} ${b}`),
  fc
    .tuple(
      names,
      fc.constantFrom(
        '(MESSAGES UIDNEXT)',
        '(SIZE HIGHESTMODSEQ UNSEEN DELETED)',
        '()',
        '(NOPE)',
        'MESSAGES',
      ),
    )
    .map(([n, i]) => `STATUS ${n} ${i}`),
  fc
    .tuple(
      fc.constantFrom('LIST', 'LSUB', 'LIST (SUBSCRIBED)', 'LIST (SPECIAL-USE)', 'LIST ()', 'LIST (NOPE'),
      fc.constantFrom('""', 'INBOX', '"a"'),
      names,
      fc.constantFrom(
        '',
        ' RETURN (CHILDREN SUBSCRIBED)',
        ' RETURN (STATUS (MESSAGES UNSEEN))',
        ' RETURN (SPECIAL-USE',
        ' RETURN (STATUS ())',
      ),
    )
    .map(([c, ref, n, r]) => `${c} ${ref} ${n}${r}`),
  fc
    .tuple(
      fc.constantFrom(
        'EXPUNGE',
        'UID EXPUNGE 1:*',
        'UID EXPUNGE 0',
        'UID EXPUNGE',
        'CLOSE',
        'UNSELECT',
        'CHECK',
        'NOOP',
        'NAMESPACE',
        'CAPABILITY',
        'ID NIL',
        'ID ("name" "Foxmail" "version")',
        'ENABLE CONDSTORE',
        'ENABLE QRESYNC UTF8=ACCEPT',
        'ENABLE IMAP4rev2',
        'ENABLE',
        'STARTTLS',
        'AUTHENTICATE PLAIN',
        'LOGIN a b',
        'SELECT INBOX (CONDSTORE)',
        'SELECT INBOX (QRESYNC (1 1))',
        'SELECT INBOX (QRESYNC (x))',
        'SETQUOTA "" (STORAGE 1)',
        'XLIST "" *',
        'APPEND',
        'FROB 1 2',
      ),
      fc.constant(''),
    )
    .map(([c]) => c),
  fc
    .tuple(
      names,
      fc.constantFrom(
        '',
        '(\\Seen)',
        '(\\Recent)',
        '(项目)',
        '"1-Jan-2020 00:00:00 +0000"',
        '(\\Seen) "31-Feb-2020 00:00:00 +0000"',
      ),
      fc.constantFrom('Subject: a\r\n\r\nb\r\n', '', 'x'),
    )
    .map(([n, opts, body]) => `APPEND ${n} ${opts} {${Buffer.byteLength(body)}+}\r\n${body}`),
  // Raw noise in an otherwise tagged line.
  fc.string({ unit: fc.constantFrom(...' ()[]<>"\\*%:,.+~-0123456789aZ\u00e9\u9879'), maxLength: 40 }),
);

describe.each(databases.engines)('IMAP sessions under random commands on %s', (engine) => {
  let h: ImapHarness;
  beforeAll(async () => {
    h = await imapHarness(await databases.fresh(engine));
  });
  afterAll(() => h.close());

  async function session(): Promise<RawImap> {
    const user = await h.addUser();
    for (let i = 1; i <= 4; i++) await deliverText(h.f.store, `m${i}`, [{ userId: user.id }]);
    const c = await h.login(user);
    const append = await c.command(
      'A',
      `APPEND INBOX (kw1) {${Buffer.byteLength(MULTIPART)}+}\r\n${MULTIPART}`,
    );
    if (!append.status.startsWith('A OK')) throw new Error(append.status);
    await c.command('C', 'CREATE 项目');
    const select = await c.command('S', 'SELECT INBOX');
    if (!select.status.startsWith('S OK')) throw new Error(select.status);
    return c;
  }

  it('answers every command with its own tagged OK, NO or BAD, never a server error, and goes on', async () => {
    const answered = { OK: 0, NO: 0, BAD: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 5, maxLength: 25 }), async (commands) => {
        const c = await session();
        try {
          for (const [i, line] of commands.entries()) {
            const tag = `f${i}`;
            const { status } = await c.command(tag, line);
            const m = new RegExp(`^${tag} (OK|NO|BAD) `).exec(status);
            expect(m, `${line} → ${status}`).not.toBeNull();
            expect(status, line).not.toContain('[SERVERBUG]');
            answered[m?.[1] as keyof typeof answered]++;
          }
          expect((await c.command('z', 'NOOP')).status).toBe('z OK NOOP completed');
          const logout = await c.command('y', 'LOGOUT');
          expect(logout.untagged[0]).toMatch(/^\* BYE /);
          expect(logout.status).toMatch(/^y OK /);
        } finally {
          c.close();
        }
      }),
      {
        numRuns: Number(process.env.FUZZ_RUNS ?? (engine === 'sqlite' ? 40 : 15)),
        seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31),
      },
    );
    // The generator reaches every outcome: a property that only ever saw BAD would test the parser alone.
    expect(answered.OK).toBeGreaterThan(20);
    expect(answered.NO).toBeGreaterThan(5);
    expect(answered.BAD).toBeGreaterThan(20);
  }, 240_000);
});
