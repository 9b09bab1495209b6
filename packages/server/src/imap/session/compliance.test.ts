import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../../test/harness/databases.js';
import { deliverText } from '../../../../../test/harness/mail-store.js';
import { type ImapHarness, imapHarness } from './testing/harness.js';

// What Dovecot's imaptest compliance suite found wrong (test/imap-imaptest.test.ts runs the whole
// suite against the built server); each case here is the smallest session that shows the bug.
const databases = useDatabases();

describe('IMAP compliance fixes (imaptest)', () => {
  let h: ImapHarness;
  beforeAll(async () => {
    h = await imapHarness(await databases.fresh('sqlite'));
  });
  afterAll(() => h.close());

  it('append-binary: a literal8 message is stored byte for byte; BINARY[1] returns it as literal8, BODY[1] without NUL', async () => {
    const user = await h.addUser();
    const c = await h.login(user);
    const head =
      'From: user@domain.org\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n';
    const message = Buffer.concat([Buffer.from(head), Buffer.from([0, 0x2d, 0xe4, 0x0a, 0x0d, 0x0a, 0x0a])]);
    c.write(`a APPEND INBOX ~{${message.length}+}\r\n`);
    c.write(Buffer.concat([message, Buffer.from('\r\n')]));
    expect((await c.answer('a')).status).toMatch(/^a OK \[APPENDUID \d+ 1\]/);
    const [record] = (await h.f.store.listMessages(user.id, { mailbox: 'INBOX', limit: 1 })).items;
    expect(await h.f.store.blobs.readBuffer(record?.blobId ?? '')).toEqual(message);

    await c.command('b', 'SELECT INBOX');
    const binary = await c.command('c', 'FETCH 1 (BINARY.SIZE[1] BINARY.PEEK[1])');
    expect(binary.untagged).toEqual(['* 1 FETCH (BINARY.SIZE[1] 7 BINARY[1] ~{7}\r\n\u0000-\ufffd\n\r\n\n)']);
    const body = await c.command('d', 'FETCH 1 (BODY.PEEK[1])');
    // A literal may not carry NUL (RFC 9051 §4.3): it goes as 0x80, which is not UTF-8 (U+FFFD here).
    expect(body.untagged).toEqual(['* 1 FETCH (BODY[1] {7}\r\n\ufffd-\ufffd\n\r\n\n)']);
    // A plain literal is still stored with CRLF line endings (the SMTP smuggling defence).
    c.write('e APPEND INBOX {11+}\r\nSubject: x\n\r\n');
    expect((await c.answer('e')).status).toMatch(/^e OK/);
    const second = (await h.f.store.listMessages(user.id, { mailbox: 'INBOX', limit: 5 })).items.find(
      (m) => m.uid === 2,
    );
    expect((await h.f.store.blobs.readBuffer(second?.blobId ?? '')).toString()).toBe('Subject: x\r\n');
  });

  it('atoms: a name that is not valid modified UTF-7 is NO [CANNOT], not BAD; as a LIST pattern it matches nothing', async () => {
    const c = await h.login(await h.addUser());
    const name = "!#$&'+,-.0123456789:;<=>?@^_`|[}";
    expect((await c.command('a', `SELECT ${name}`)).status).toMatch(
      /^a NO \[CANNOT\] Mailbox name .* is not valid modified UTF-7/,
    );
    expect(await c.command('b', `LIST "" ${name}%*`)).toEqual({
      untagged: [],
      status: 'b OK LIST completed',
    });
    expect((await c.command('c', 'LSUB "&Jjo!" *')).status).toBe('c OK LSUB completed');
    expect((await c.command('d', 'NOOP')).status).toBe('d OK NOOP completed');
  });

  it('esearch-condstore: the first CONDSTORE enabling command in a selected mailbox sends HIGHESTMODSEQ; MIN/MAX give their own MODSEQ', async () => {
    const user = await h.addUser();
    for (const text of ['one', 'two', 'three']) await deliverText(h.f.store, text, [{ userId: user.id }]);
    const c = await h.login(user);
    await c.command('a', 'SELECT INBOX');
    const first = await c.command('b', 'FETCH 1 MODSEQ');
    expect(first.untagged).toEqual([
      expect.stringMatching(/^\* OK \[HIGHESTMODSEQ \d+\]/),
      expect.stringMatching(/^\* 1 FETCH \(MODSEQ \(\d+\)\)$/),
    ]);
    expect((await c.command('c', 'FETCH 1 MODSEQ')).untagged).toHaveLength(1); // only once
    const modseqOf = async (n: number, tag: string) =>
      Number(
        /MODSEQ \((\d+)\)/.exec((await c.command(tag, `STORE ${n} +FLAGS \\Seen`)).untagged[0] ?? '')?.[1],
      );
    const m1 = await modseqOf(1, 'd');
    const m3 = await modseqOf(3, 'e');
    const m2 = await modseqOf(2, 'f');
    const esearch = async (tag: string, returns: string) =>
      (await c.command(tag, `SEARCH RETURN (${returns}) 1:3 MODSEQ "/flags/\\\\seen" all 1`)).untagged;
    expect(await esearch('g', 'MIN')).toEqual([`* ESEARCH (TAG "g") MIN 1 MODSEQ ${m1}`]);
    expect(await esearch('h', 'MAX')).toEqual([`* ESEARCH (TAG "h") MAX 3 MODSEQ ${m3}`]);
    expect(await esearch('i', 'MIN MAX')).toEqual([
      `* ESEARCH (TAG "i") MIN 1 MAX 3 MODSEQ ${Math.max(m1, m3)}`,
    ]);
    expect(await esearch('j', '')).toEqual([`* ESEARCH (TAG "j") ALL 1:3 MODSEQ ${m2}`]);
  });

  it('SELECT (CONDSTORE) after another mailbox: HIGHESTMODSEQ once, of the new mailbox', async () => {
    const user = await h.addUser();
    const c = await h.login(user);
    await c.command('a', 'SELECT INBOX');
    const select = await c.command('b', 'SELECT Drafts (CONDSTORE)');
    expect(select.untagged.filter((l) => l.includes('HIGHESTMODSEQ'))).toHaveLength(1);
  });

  it('sort-addresses, sort-display-*: address keys take the first entry as the ENVELOPE has it (groups, no domain, encoded names)', async () => {
    const c = await h.login(await h.addUser());
    const headers = [
      'To: foo bar <a@b.c>\r\nCc: user2@domain2.org',
      'To: b@c.d\r\nCc: user2: blah@domain1.org;',
      'To: d\r\nCc: user1@domain1.org',
      'To: =?iso-8859-1?q?foo_aar?= <e@f.g>',
      'To: a: xx@xx.org, yy@yy.org;',
      'To: empty:;',
    ];
    for (const [i, head] of headers.entries()) {
      const message = `From: x@example.test\r\n${head}\r\nSubject: ${i}\r\n\r\nbody\r\n`;
      expect((await c.command(`a${i}`, `APPEND INBOX {${message.length}+}\r\n${message}`)).status).toMatch(
        /OK/,
      );
    }
    await c.command('b', 'SELECT INBOX');
    // "a" (group) < b@c.d < d@missing_domain < "empty" (group) < foo aar < foo bar
    expect((await c.command('c', 'SORT (DISPLAYTO) US-ASCII ALL')).untagged).toEqual(['* SORT 5 2 3 6 4 1']);
    // addr-mailbox: "" (no Cc) ×3 < user1 < user2 (msg 1) = user2 (msg 2, the group's name)
    expect((await c.command('d', 'SORT (CC) US-ASCII ALL')).untagged).toEqual(['* SORT 4 5 6 3 1 2']);
    expect((await c.command('e', 'SORT (TO) US-ASCII ALL')).untagged).toEqual(['* SORT 1 5 2 3 4 6']); // a = a (the group), then seq order
  });
});
