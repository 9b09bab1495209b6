import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../../../test/harness/databases.js';
import { type ImapHarness, imapHarness } from '../testing/harness.js';

// A FETCH that shows a keyword the session has not been told of sends FLAGS first (RFC 9051
// §7.3.5: the FLAGS response lists every flag the mailbox uses; imaptest's stress checks it:
// "Keyword used without being in FLAGS").
const databases = useDatabases();

describe('FETCH of a keyword set elsewhere', () => {
  let h: ImapHarness;
  beforeAll(async () => {
    h = await imapHarness(await databases.fresh('sqlite'));
  });
  afterAll(() => h.close());

  it('announces the new keyword in FLAGS and PERMANENTFLAGS before the FETCH that shows it', async () => {
    const user = await h.addUser();
    const a = await h.login(user);
    const msg = 'Subject: k\r\n\r\nbody\r\n';
    expect((await a.command('ap', `APPEND INBOX {${msg.length}+}\r\n${msg}`)).status).toMatch(/^ap OK/);
    await a.command('e', 'ENABLE IMAP4rev2');
    expect((await a.command('s', 'SELECT INBOX')).status).toMatch(/^s OK/);
    // Another client of the same mailbox sets a keyword this session has never seen, straight
    // in the store, so no update of it can have been announced to `a` yet.
    const box = await h.f.store.getMailbox(user.id, 'INBOX');
    await h.f.store.setFlags(user.id, box.id, [1], { mode: 'add', flags: 0, keywords: ['$Label5'] });
    const fetched = await a.command('f', 'FETCH 1 (FLAGS)');
    expect(fetched.status).toMatch(/^f OK/);
    const flagsAt = fetched.untagged.findIndex((l) => /^\* FLAGS \(.*\$Label5.*\)$/.test(l));
    const fetchAt = fetched.untagged.findIndex((l) => /^\* 1 FETCH \(FLAGS \(\$Label5\)\)$/.test(l));
    expect(flagsAt, fetched.untagged.join('\n')).toBeGreaterThanOrEqual(0);
    expect(fetchAt).toBeGreaterThan(flagsAt);
    expect(fetched.untagged.some((l) => /PERMANENTFLAGS \(.*\$Label5.*\\\*\)/.test(l))).toBe(true);
  });

  it('announces it before the answer of a STORE and the changes of a QRESYNC SELECT too (imaptest stress)', async () => {
    const user = await h.addUser();
    const a = await h.login(user);
    const msg = 'Subject: k\r\n\r\nbody\r\n';
    for (const tag of ['ap1', 'ap2'])
      expect((await a.command(tag, `APPEND INBOX {${msg.length}+}\r\n${msg}`)).status).toMatch(/OK/);
    await a.command('e', 'ENABLE QRESYNC');
    const selected = await a.command('s', 'SELECT INBOX');
    const validity = /UIDVALIDITY (\d+)/.exec(selected.untagged.join('\n'))?.[1];
    const modseq = /HIGHESTMODSEQ (\d+)/.exec(selected.untagged.join('\n'))?.[1];
    const box = await h.f.store.getMailbox(user.id, 'INBOX');
    // Elsewhere: $Label1 on message 1; then this session flags message 1 itself.
    await h.f.store.setFlags(user.id, box.id, [1], { mode: 'add', flags: 0, keywords: ['$Label1'] });
    const stored = await a.command('st', 'STORE 1 +FLAGS (\\Flagged)');
    const flagsAt = stored.untagged.findIndex((l) => /^\* FLAGS \(.*\$Label1.*\)$/.test(l));
    const fetchAt = stored.untagged.findIndex((l) => /^\* 1 FETCH \(.*\$Label1/.test(l));
    expect(flagsAt, stored.untagged.join('\n')).toBeGreaterThanOrEqual(0);
    expect(fetchAt).toBeGreaterThan(flagsAt);

    // Elsewhere: $Label2 on message 2, while this client is away; it comes back with QRESYNC.
    await a.command('u', 'UNSELECT');
    await h.f.store.setFlags(user.id, box.id, [2], { mode: 'add', flags: 0, keywords: ['$Label2'] });
    const back = await a.command('s2', `SELECT INBOX (QRESYNC (${validity} ${modseq}))`);
    const flags2 = back.untagged.findIndex((l) => /^\* FLAGS \(.*\$Label2.*\)$/.test(l));
    const fetch2 = back.untagged.findIndex((l) => /^\* 2 FETCH \(.*\$Label2/.test(l));
    expect(fetch2, back.untagged.join('\n')).toBeGreaterThanOrEqual(0);
    expect(flags2).toBeGreaterThanOrEqual(0);
    expect(fetch2).toBeGreaterThan(flags2);
  });
});
