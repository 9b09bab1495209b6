import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../../test/harness/databases.js';
import type { RawImap } from '../../../../../test/harness/imap-raw.js';
import { deliverText } from '../../../../../test/harness/mail-store.js';
import { type ImapHarness, imapHarness, type TestUser } from './testing/harness.js';

// SELECT, STORE, COPY/MOVE, EXPUNGE, APPEND and IDLE, and the untagged updates between two
// sessions of one user (RFC 9051 §7.5), over in-memory sockets with a real store on both engines.
const databases = useDatabases();

describe.each(databases.engines)('IMAP messages on %s', (engine) => {
  let h: ImapHarness;
  beforeAll(async () => {
    h = await imapHarness(await databases.fresh(engine));
  });
  afterAll(() => h.close());

  async function userWith(count: number): Promise<TestUser> {
    const user = await h.addUser();
    for (let i = 1; i <= count; i++) await deliverText(h.f.store, `m${i}`, [{ userId: user.id }]);
    return user;
  }

  async function selected(user: TestUser, mailbox = 'INBOX', enable?: string): Promise<RawImap> {
    const c = await h.login(user);
    if (enable) await c.command('e', `ENABLE ${enable}`);
    const answer = await c.command('s', `SELECT ${mailbox}`);
    if (!answer.status.startsWith('s OK')) throw new Error(answer.status);
    return c;
  }

  it('SELECT answers EXISTS, FLAGS, PERMANENTFLAGS, UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ and READ-WRITE; EXAMINE READ-ONLY', async () => {
    const user = await userWith(3);
    const c = await h.login(user);
    const { untagged, status } = await c.command('a', 'SELECT INBOX');
    expect(untagged[0]).toBe('* 3 EXISTS');
    expect(untagged[1]).toBe('* 3 RECENT'); // IMAP4rev1 client (RFC 3501 §6.3.1): the first to see them
    expect(untagged).toContain('* FLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft)');
    expect(untagged.some((l) => /^\* OK \[PERMANENTFLAGS \(.*\\\*\)\]/.test(l))).toBe(true);
    expect(untagged.some((l) => /^\* OK \[UIDVALIDITY \d+\]/.test(l))).toBe(true);
    expect(untagged).toContain('* OK [UIDNEXT 4] Predicted next UID');
    expect(untagged).toContain('* OK [UNSEEN 1] First unseen'); // rev1 only, like RECENT
    expect(untagged.some((l) => /^\* OK \[HIGHESTMODSEQ \d+\]/.test(l))).toBe(true);
    expect(status).toBe('a OK [READ-WRITE] SELECT completed');
    const examine = await c.command('b', 'EXAMINE INBOX');
    expect(examine.untagged[0]).toBe('* OK [CLOSED] Previous mailbox is now closed');
    expect(examine.status).toBe('b OK [READ-ONLY] EXAMINE completed');
    expect(examine.untagged).toContain('* 0 RECENT'); // claimed by the SELECT before
    expect((await c.command('c', 'STORE 1 +FLAGS (\\Seen)')).status).toMatch(/^c NO \[READ-ONLY\]/);
    expect((await c.command('d', 'SELECT Nope')).status).toMatch(/^d NO \[NONEXISTENT\]/);
    expect((await c.command('e', 'STORE 1 +FLAGS (\\Seen)')).status).toMatch(/^e BAD STORE not allowed now/);
  });

  it('IMAP4rev1: expunging recent messages is followed by the new RECENT count; others are not (RFC 3501 §7.3.2)', async () => {
    const user = await userWith(3);
    const a = await selected(user); // a claims the three: \Recent in a
    const b = await selected(user); // none is recent in b
    await a.command('d', 'STORE 1:2 +FLAGS.SILENT (\\Deleted)');
    expect((await a.command('x', 'EXPUNGE')).untagged).toEqual(['* 2 EXPUNGE', '* 1 EXPUNGE', '* 1 RECENT']);
    expect((await b.command('n', 'NOOP')).untagged).toEqual(['* 2 EXPUNGE', '* 1 EXPUNGE']);
    expect((await a.command('m', 'MOVE 1 Trash')).untagged).toEqual([
      expect.stringMatching(/^\* OK \[COPYUID \d+ 3 1\]/),
      '* 1 EXPUNGE',
      '* 0 RECENT',
    ]);
    expect((await b.command('n', 'NOOP')).untagged).toEqual(['* 1 EXPUNGE']);
    a.close();
    b.close();
  });

  it('STORE answers FETCH FLAGS; .SILENT does not; UNCHANGEDSINCE fails with MODIFIED; the other session hears of it', async () => {
    const user = await userWith(3);
    const a = await selected(user, 'INBOX', 'CONDSTORE');
    const b = await selected(user);
    const stored = await a.command('a', 'STORE 1:2 +FLAGS ($Label1 \\Flagged)');
    expect(stored.untagged[0]).toBe('* FLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft $Label1)');
    // a selected first: the messages are \Recent in a (an IMAP4rev1 client), not in b.
    expect(stored.untagged.slice(2)).toEqual([
      expect.stringMatching(/^\* 1 FETCH \(UID 1 FLAGS \(\\Recent \\Flagged \$Label1\) MODSEQ \(\d+\)\)$/),
      expect.stringMatching(/^\* 2 FETCH \(UID 2 FLAGS \(\\Recent \\Flagged \$Label1\) MODSEQ \(\d+\)\)$/),
    ]);
    const silent = await a.command('b', 'UID STORE 3 +FLAGS.SILENT (\\Seen)');
    expect(silent.untagged).toEqual([expect.stringMatching(/^\* 3 FETCH \(UID 3 MODSEQ \(\d+\)\)$/)]);
    const modseq = Number(/MODSEQ \((\d+)\)/.exec(silent.untagged[0] as string)?.[1]);
    const failed = await a.command('c', `STORE 1,3 (UNCHANGEDSINCE ${modseq - 1}) -FLAGS (\\Seen)`);
    expect(failed.status).toBe('c OK [MODIFIED 3] Some messages were modified since');
    // b learns of a's changes at its next command, in message order.
    const noop = await b.command('n', 'NOOP');
    expect(noop.untagged.filter((l) => l.includes('FETCH'))).toEqual([
      '* 1 FETCH (UID 1 FLAGS (\\Flagged $Label1))',
      '* 2 FETCH (UID 2 FLAGS (\\Flagged $Label1))',
      '* 3 FETCH (UID 3 FLAGS (\\Seen))',
    ]);
  });

  it('an expunge by another session waits while sequence numbers are in use (STORE, COPY) and goes out on NOOP', async () => {
    const user = await userWith(4);
    const a = await selected(user);
    const b = await selected(user);
    await a.command('a', 'STORE 2 +FLAGS.SILENT (\\Deleted)');
    const expunged = await a.command('b', 'EXPUNGE');
    expect(expunged.untagged).toEqual(['* 2 EXPUNGE', '* 3 RECENT']); // message 2 was recent in a
    const store = await b.command('c', 'STORE 4 +FLAGS (\\Seen)');
    expect(store.untagged).toEqual(['* 4 FETCH (UID 4 FLAGS (\\Seen))']); // still number 4 here
    expect((await b.command('d', 'COPY 4 Trash')).untagged).toEqual([]);
    const noop = await b.command('e', 'NOOP');
    expect(noop.untagged).toEqual(['* 2 EXPUNGE']);
    expect((await b.command('f', 'STORE 3 -FLAGS (\\Seen)')).untagged).toEqual([
      '* 3 FETCH (UID 4 FLAGS ())',
    ]);
  });

  it('new mail: EXISTS at the next command; UID STORE may report expunges; VANISHED under QRESYNC', async () => {
    const user = await userWith(2);
    const a = await selected(user, 'INBOX', 'QRESYNC');
    const b = await selected(user);
    await deliverText(h.f.store, 'new', [{ userId: user.id }]);
    await b.command('x', 'STORE 1 +FLAGS.SILENT (\\Deleted)');
    await b.command('y', 'EXPUNGE');
    const uidStore = await a.command('a', 'UID STORE 2 +FLAGS.SILENT (\\Seen)');
    // The FETCH goes out before the expunge is told, so it still numbers UID 2 as 2.
    expect(uidStore.untagged).toEqual([
      expect.stringMatching(/^\* 2 FETCH \(UID 2 MODSEQ \(\d+\)\)$/),
      '* VANISHED 1',
      '* 2 EXISTS',
      '* 1 RECENT', // UID 2, claimed by a's SELECT; b's commands told b of UID 3 first, so b claimed it
    ]);
  });

  it('COPY and MOVE answer COPYUID; MOVE expunges in the source; a missing target is TRYCREATE', async () => {
    const user = await userWith(3);
    const a = await selected(user);
    const copy = await a.command('a', 'COPY 1:2 Trash');
    expect(copy.status).toMatch(/^a OK \[COPYUID \d+ 1:2 1:2\] COPY completed$/);
    const move = await a.command('b', 'UID MOVE 2:3 Drafts');
    expect(move.untagged).toEqual([
      expect.stringMatching(/^\* OK \[COPYUID \d+ 2:3 1:2\] Moved$/),
      '* 3 EXPUNGE',
      '* 2 EXPUNGE',
      '* 1 RECENT', // the moved messages were recent in a (RFC 3501 §7.3.2)
    ]);
    expect(move.status).toBe('b OK MOVE completed');
    expect((await a.command('c', 'COPY 1 Nowhere')).status).toMatch(/^c NO \[TRYCREATE\]/);
    expect((await a.command('d', 'STATUS Drafts (MESSAGES UIDNEXT)')).untagged).toEqual([
      '* STATUS "Drafts" (MESSAGES 2 UIDNEXT 3)',
    ]);
  });

  it('APPEND streams the literal into the store: APPENDUID, EXISTS in the selected mailbox; TOOBIG before the bytes', async () => {
    const user = await userWith(0);
    const a = await selected(user);
    const message = 'Subject: appended\r\nFrom: a@example.test\r\n\r\nbody\r\n';
    a.write(`a APPEND INBOX (\\Seen $Forwarded) "06-Dec-2026 10:00:00 +0000" {${message.length}}\r\n`);
    expect(await a.line()).toBe('+ Ready for literal data');
    a.write(`${message}\r\n`);
    const appended = await a.answer('a');
    expect(appended.status).toMatch(/^a OK \[APPENDUID \d+ 1\] APPEND completed$/);
    expect(appended.untagged).toContain('* 1 EXISTS');
    const record = (await h.f.store.listMessages(user.id, { mailbox: 'INBOX', limit: 5 })).items[0];
    expect(record).toMatchObject({
      unread: false,
      keywords: ['$Forwarded'],
      internalDate: Date.UTC(2026, 11, 6, 10),
    });
    expect((await h.f.store.blobs.readBuffer(record?.blobId ?? '')).toString()).toBe(message);
    a.write('b APPEND INBOX {2000000}\r\n');
    expect(await a.line()).toMatch(/^b NO \[TOOBIG\] Message too big: 2000000 octets/);
    expect((await a.command('c', 'APPEND Nowhere {4+}\r\nabcd')).status).toMatch(/^c NO \[TRYCREATE\]/);
    expect((await a.command('d', 'NOOP')).status).toBe('d OK NOOP completed');
  });

  it('IDLE: + idling, a delivery and a flag change from elsewhere at once, DONE; a command without DONE (iOS) ends it', async () => {
    const user = await userWith(1);
    const a = await selected(user);
    const b = await selected(user);
    a.write('i IDLE\r\n');
    expect(await a.line()).toBe('+ idling');
    await deliverText(h.f.store, 'pushed', [{ userId: user.id }]);
    expect(await a.line(5000)).toBe('* 2 EXISTS');
    expect(await a.line(5000)).toBe('* 2 RECENT'); // a sees it first: recent in a (with UID 1), not in b
    expect((await b.command('y', 'NOOP')).untagged).toEqual(['* 2 EXISTS', '* 0 RECENT']);
    await b.command('x', 'STORE 1 +FLAGS (\\Flagged)');
    expect(await a.line(5000)).toBe('* 1 FETCH (UID 1 FLAGS (\\Recent \\Flagged))');
    a.write('DONE\r\n');
    expect(await a.line()).toBe('i OK IDLE terminated');
    a.write('j IDLE\r\n');
    expect(await a.line()).toBe('+ idling');
    a.write('k NOOP\r\n'); // iOS Mail: a new command instead of DONE
    expect(await a.readUntil(/^k /)).toEqual(['j OK IDLE terminated', 'k OK NOOP completed']);
  });

  it('QRESYNC SELECT: VANISHED (EARLIER) of what the client knew and the changes since its modseq', async () => {
    const user = await userWith(4);
    const a = await selected(user, 'INBOX', 'QRESYNC');
    const first = await a.command('u', 'UNSELECT');
    expect(first.status).toBe('u OK UNSELECT completed');
    const before = await a.command('v', 'STATUS INBOX (UIDVALIDITY HIGHESTMODSEQ)');
    const [, validity, modseq] =
      /UIDVALIDITY (\d+) HIGHESTMODSEQ (\d+)/.exec(before.untagged[0] as string) ?? [];
    const b = await selected(user);
    await b.command('x', 'STORE 2,4 +FLAGS.SILENT (\\Deleted)');
    await b.command('y', 'EXPUNGE');
    await b.command('z', 'UID STORE 3 +FLAGS.SILENT (\\Seen)');
    const resync = await a.command('q', `SELECT INBOX (QRESYNC (${validity} ${modseq} 1:4))`);
    expect(resync.untagged).toContain('* VANISHED (EARLIER) 2,4');
    expect(resync.untagged.filter((l) => l.includes('FETCH'))).toEqual([
      expect.stringMatching(/^\* 2 FETCH \(UID 3 FLAGS \(\\Seen\) MODSEQ \(\d+\)\)$/),
    ]);
    expect(resync.untagged[0]).toBe('* 2 EXISTS');
  });
});
