import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../../test/harness/databases.js';
import { deliverText } from '../../../../../test/harness/mail-store.js';
import { type ImapHarness, imapHarness } from './testing/harness.js';

// LIST (LIST-EXTENDED, LIST-STATUS, SPECIAL-USE, CHILDREN), LSUB, STATUS, CREATE (USE),
// DELETE, RENAME, SUBSCRIBE, GETQUOTAROOT; mailbox names in modified UTF-7, or UTF-8 after
// ENABLE UTF8=ACCEPT.
const databases = useDatabases();

describe('IMAP mailboxes', () => {
  let h: ImapHarness;
  beforeAll(async () => {
    h = await imapHarness(await databases.fresh('sqlite'));
  });
  afterAll(() => h.close());

  it('LIST: the five standard mailboxes with their special use; a Chinese folder in modified UTF-7, or UTF-8 under UTF8=ACCEPT', async () => {
    const user = await h.addUser();
    const c = await h.login(user);
    expect((await c.command('a', 'CREATE "&mHl27g-/&bUuL1Q-"')).status).toBe('a OK CREATE completed');
    const list = await c.command('b', 'LIST "" "*"');
    expect(list.untagged).toEqual([
      '* LIST (\\HasNoChildren) "/" "INBOX"',
      '* LIST (\\HasNoChildren \\Sent) "/" "Sent"',
      '* LIST (\\HasNoChildren \\Drafts) "/" "Drafts"',
      '* LIST (\\HasNoChildren \\Junk) "/" "Junk"',
      '* LIST (\\HasNoChildren \\Trash) "/" "Trash"',
      '* LIST (\\HasChildren) "/" "&mHl27g-"',
      '* LIST (\\HasNoChildren) "/" "&mHl27g-/&bUuL1Q-"',
    ]);
    expect((await h.f.store.listMailboxes(user.id)).map((m) => m.name)).toContain('项目/测试');
    expect((await c.command('c', 'LIST "" "%"')).untagged).toHaveLength(6);
    expect((await c.command('d', 'LIST "&mHl27g-/" "%"')).untagged).toEqual([
      '* LIST (\\HasNoChildren) "/" "&mHl27g-/&bUuL1Q-"',
    ]);
    expect((await c.command('e', 'LIST "" "inbox"')).untagged).toEqual([
      '* LIST (\\HasNoChildren) "/" "INBOX"',
    ]);
    expect((await c.command('f', 'LIST "" ""')).untagged).toEqual(['* LIST (\\Noselect) "/" ""']);
    await c.command('g', 'ENABLE UTF8=ACCEPT');
    expect((await c.command('h', 'LIST "" "项目*"')).untagged).toEqual([
      '* LIST (\\HasChildren) "/" "项目"',
      '* LIST (\\HasNoChildren) "/" "项目/测试"',
    ]);
    expect((await c.command('i', 'SELECT "项目/测试"')).status).toBe('i OK [READ-WRITE] SELECT completed');
  });

  it('LIST-EXTENDED: SPECIAL-USE selection, SUBSCRIBED with \\NonExistent, RECURSIVEMATCH CHILDINFO; LIST-STATUS', async () => {
    const user = await h.addUser();
    await deliverText(h.f.store, 'one', [{ userId: user.id }]);
    const c = await h.login(user);
    expect((await c.command('a', '(SPECIAL-USE) "" "*"'.replace(/^/, 'LIST '))).untagged).toEqual([
      '* LIST (\\HasNoChildren \\Sent) "/" "Sent"',
      '* LIST (\\HasNoChildren \\Drafts) "/" "Drafts"',
      '* LIST (\\HasNoChildren \\Junk) "/" "Junk"',
      '* LIST (\\HasNoChildren \\Trash) "/" "Trash"',
    ]);
    await c.command('b', 'CREATE Work/Plans');
    await c.command('c', 'SUBSCRIBE Work/Plans');
    await c.command('d', 'SUBSCRIBE Gone');
    expect((await c.command('e', 'LIST (SUBSCRIBED) "" "Work*"')).untagged).toEqual([
      '* LIST (\\HasNoChildren \\Subscribed) "/" "Work/Plans"',
    ]);
    expect((await c.command('f', 'LIST (SUBSCRIBED RECURSIVEMATCH) "" "%"')).untagged).toEqual(
      expect.arrayContaining([
        '* LIST (\\HasChildren) "/" "Work" ("CHILDINFO" ("SUBSCRIBED"))',
        '* LIST (\\NonExistent \\Subscribed) "/" "Gone"',
      ]),
    );
    // `*` matches Work/Plans itself: its unsubscribed parent Work is not listed (RFC 3501 §6.3.9).
    const lsubAll = (await c.command('g', 'LSUB "" "*"')).untagged;
    expect(lsubAll).toEqual(
      expect.arrayContaining(['* LSUB () "/" "Work/Plans"', '* LSUB (\\Noselect) "/" "Gone"']),
    );
    expect(lsubAll.filter((l) => l.endsWith('"Work"'))).toEqual([]);
    expect((await c.command('h', 'LSUB "" "%"')).untagged).toContain('* LSUB (\\Noselect) "/" "Work"');
    const status = await c.command('i', 'LIST "" "INBOX" RETURN (STATUS (MESSAGES UNSEEN SIZE))');
    expect(status.untagged).toEqual([
      '* LIST (\\HasNoChildren) "/" "INBOX"',
      expect.stringMatching(/^\* STATUS "INBOX" \(MESSAGES 1 UNSEEN 1 SIZE \d+\)$/),
    ]);
  });

  it('STATUS of every item; CREATE with USE; DELETE and RENAME refusals with their codes', async () => {
    const user = await h.addUser();
    await deliverText(h.f.store, 'one', [{ userId: user.id }]);
    const c = await h.login(user);
    const status = await c.command(
      'a',
      'STATUS INBOX (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN DELETED SIZE HIGHESTMODSEQ APPENDLIMIT DELETED-STORAGE)',
    );
    expect(status.untagged[0]).toMatch(
      /^\* STATUS "INBOX" \(MESSAGES 1 RECENT 1 UIDNEXT 2 UIDVALIDITY \d+ UNSEEN 1 DELETED 0 SIZE \d+ HIGHESTMODSEQ \d+ APPENDLIMIT 1048576 DELETED-STORAGE 0\)$/,
    );
    expect((await c.command('b', 'STATUS Nope (MESSAGES)')).status).toMatch(/^b NO \[NONEXISTENT\]/);
    expect((await c.command('c', 'CREATE Archive (USE (\\Archive))')).status).toBe('c OK CREATE completed');
    expect((await c.command('d', 'LIST "" Archive')).untagged).toEqual([
      '* LIST (\\HasNoChildren \\Archive) "/" "Archive"',
    ]);
    expect((await c.command('e', 'CREATE Other (USE (\\Archive))')).status).toMatch(/^e NO \[USEATTR\]/);
    expect((await c.command('f', 'CREATE Archive')).status).toMatch(/^f NO \[ALREADYEXISTS\]/);
    expect((await c.command('g', 'CREATE Parent/')).status).toBe('g OK CREATE completed');
    await c.command('h', 'CREATE Parent/Child');
    expect((await c.command('i', 'DELETE Parent')).status).toMatch(/^i NO \[HASCHILDREN\]/);
    expect((await c.command('j', 'DELETE Trash')).status).toMatch(/^j NO \[CANNOT\]/);
    expect((await c.command('k', 'RENAME Parent Renamed')).status).toBe('k OK RENAME completed');
    expect((await c.command('l', 'LIST "" "Renamed*"')).untagged).toEqual([
      '* LIST (\\HasChildren) "/" "Renamed"',
      '* LIST (\\HasNoChildren) "/" "Renamed/Child"',
    ]);
    expect((await c.command('m', 'DELETE Renamed/Child')).status).toBe('m OK DELETE completed');
    expect((await c.command('n', 'DELETE Nope')).status).toMatch(/^n NO \[NONEXISTENT\]/);
    expect((await c.command('o', 'RENAME INBOX Old')).status).toBe('o OK RENAME completed');
    expect((await c.command('p', 'STATUS Old (MESSAGES)')).untagged).toEqual(['* STATUS "Old" (MESSAGES 1)']);
    expect((await c.command('q', 'STATUS INBOX (MESSAGES)')).untagged).toEqual([
      '* STATUS "INBOX" (MESSAGES 0)',
    ]);
  });

  it('DELETE of the selected mailbox closes it; GETQUOTAROOT and GETQUOTA from the user quota', async () => {
    const user = await h.addUser();
    const c = await h.login(user);
    await c.command('a', 'CREATE Temp');
    await c.command('b', 'SELECT Temp');
    const deleted = await c.command('c', 'DELETE Temp');
    expect(deleted.untagged).toEqual(['* OK [CLOSED] Mailbox deleted and closed']);
    expect((await c.command('d', 'NOOP')).status).toBe('d OK NOOP completed');
    expect((await c.command('e', 'CLOSE')).status).toMatch(/^e BAD CLOSE not allowed now/);
    const quota = await c.command('f', 'GETQUOTAROOT INBOX');
    expect(quota.untagged).toEqual(['* QUOTAROOT "INBOX" ""', '* QUOTA "" ()']); // the test user has no quota
    await h.f.database.db
      .updateTable('users')
      .set({ quota_bytes: 10 * 1024 * 1024 })
      .where('id', '=', user.id)
      .execute();
    expect((await c.command('g', 'GETQUOTA ""')).untagged).toEqual(['* QUOTA "" (STORAGE 0 10240)']);
    expect((await c.command('h', 'GETQUOTA "other"')).status).toMatch(/^h NO \[NONEXISTENT\]/);
    expect((await c.command('i', 'SETQUOTA "" (STORAGE 1)')).status).toMatch(/^i NO \[NOPERM\]/);
  });
});
