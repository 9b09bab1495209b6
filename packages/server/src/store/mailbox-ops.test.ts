import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../test/harness/databases.js';
import { addUser, deliverText, openStore, type StoreFixture } from '../../../../test/harness/mail-store.js';
import { checkMailboxName, FLAG } from './index.js';

const databases = useDatabases();

describe('mailbox names', () => {
  it('refuses what IMAP cannot carry or LIST cannot find, and normalizes INBOX', () => {
    for (const bad of [
      '',
      '/a',
      'a/',
      'a//b',
      'a*',
      'b%',
      'x\u0001',
      'x\u007f',
      'a/../b',
      '\ud800',
      'x'.repeat(513),
    ])
      expect(() => checkMailboxName(bad), JSON.stringify(bad)).toThrow(
        expect.objectContaining({ code: 'MAILBOX_NAME_INVALID' }),
      );
    expect(checkMailboxName('inbox')).toBe('INBOX');
    expect(checkMailboxName('Inbox/Sub')).toBe('INBOX/Sub');
    expect(checkMailboxName('Inboxes')).toBe('Inboxes');
    expect(checkMailboxName('客户/北京')).toBe('客户/北京');
    expect(checkMailboxName('Cafe\u0301')).toBe('Café');
  });
});

describe.each(databases.engines)('mailboxes on %s', (engine) => {
  let f: StoreFixture;
  beforeAll(async () => {
    f = await openStore(await databases.fresh(engine), { inlineBodyMaxBytes: 0 });
  });
  afterAll(() => f.close());

  const names = async (user: string) => (await f.store.listMailboxes(user)).map((m) => m.name);

  it('creates with missing parents, refuses taken names, and subscribes only when asked', async () => {
    const user = await addUser(f);
    const made = await f.store.createMailbox(user, '项目/2024/Q1');
    expect(made).toMatchObject({
      name: '项目/2024/Q1',
      total: 0,
      uidNext: 1,
      highestModseq: 0,
      subscribed: false,
    });
    expect(await names(user)).toEqual([
      'INBOX',
      'Sent',
      'Drafts',
      'Junk',
      'Trash',
      '项目',
      '项目/2024',
      '项目/2024/Q1',
    ]);
    for (const taken of ['项目/2024', 'inbox', 'Sent'])
      await expect(f.store.createMailbox(user, taken)).rejects.toMatchObject({ code: 'MAILBOX_EXISTS' });
    await f.store.createMailbox(user, 'Later', { subscribe: true });
    expect(await f.store.listSubscriptions(user)).toEqual([
      'Drafts',
      'INBOX',
      'Junk',
      'Later',
      'Sent',
      'Trash',
    ]);
    // Case-sensitive except INBOX.
    await f.store.createMailbox(user, 'later');
    expect(await names(user)).toContain('later');
  });

  it('gives each new mailbox a UIDVALIDITY it never had, even for a name used again at once', async () => {
    const user = await addUser(f);
    const first = await f.store.createMailbox(user, 'Reused');
    await f.store.deleteMailbox(user, 'Reused');
    const second = await f.store.createMailbox(user, 'Reused');
    expect(second.uidValidity).toBeGreaterThan(first.uidValidity);
    const defaults = (await f.store.listMailboxes(user)).filter((m) => m.name !== 'Reused');
    for (const m of defaults) expect(second.uidValidity).toBeGreaterThan(m.uidValidity);
  });

  it('CREATE-SPECIAL-USE: one mailbox per use, real uses only', async () => {
    const user = await addUser(f);
    expect((await f.store.createMailbox(user, 'Archive', { specialUse: '\\Archive' })).specialUse).toBe(
      '\\Archive',
    );
    await expect(f.store.createMailbox(user, 'Archive2', { specialUse: '\\Archive' })).rejects.toMatchObject({
      code: 'SPECIAL_USE_INVALID',
    });
    await expect(f.store.createMailbox(user, 'All', { specialUse: '\\All' })).rejects.toMatchObject({
      code: 'SPECIAL_USE_INVALID',
    });
    await expect(f.store.createMailbox(user, 'Sent2', { specialUse: '\\Sent' })).rejects.toMatchObject({
      code: 'SPECIAL_USE_INVALID',
    });
  });

  it('renames a tree with its subscriptions, keeping ids, UIDs and UIDVALIDITY', async () => {
    const user = await addUser(f);
    const a = await f.store.createMailbox(user, 'a/b', { subscribe: true });
    const parent = await f.store.getMailbox(user, 'a');
    await deliverText(f.store, 'kept', [{ userId: user, mailbox: 'a/b' }]);
    const renamed = await f.store.renameMailbox(user, 'a', 'x/y');
    expect(await names(user)).toEqual(['INBOX', 'Sent', 'Drafts', 'Junk', 'Trash', 'x', 'x/y', 'x/y/b']);
    expect(renamed).toMatchObject({ id: parent.id, uidValidity: parent.uidValidity });
    const child = await f.store.getMailbox(user, 'x/y/b');
    expect(child).toMatchObject({
      id: a.id,
      uidValidity: a.uidValidity,
      total: 1,
      uidNext: 2,
      subscribed: true,
    });
    expect(await f.store.listSubscriptions(user)).toContain('x/y/b');
    await expect(f.store.renameMailbox(user, 'x', 'x/y/z')).rejects.toMatchObject({
      code: 'MAILBOX_NAME_INVALID',
    });
    await expect(f.store.renameMailbox(user, 'x/y/b', 'Trash')).rejects.toMatchObject({
      code: 'MAILBOX_EXISTS',
    });
    await expect(f.store.renameMailbox(user, 'Sent', 'Sent mail')).rejects.toMatchObject({
      code: 'MAILBOX_PROTECTED',
    });
    await expect(f.store.renameMailbox(user, 'nope', 'nope2')).rejects.toMatchObject({
      code: 'MAILBOX_NOT_FOUND',
    });
  });

  it('renames INBOX by moving its messages into a new mailbox and leaving INBOX empty', async () => {
    const user = await addUser(f);
    await f.store.createMailbox(user, 'INBOX/child');
    for (const s of ['i1', 'i2', 'i3']) await deliverText(f.store, s, [{ userId: user }]);
    const inbox = await f.store.getMailbox(user, 'INBOX');
    await f.store.setFlags(user, inbox.id, [2], { mode: 'add', flags: FLAG.seen });
    const old = await f.store.renameMailbox(user, 'inbox', 'Old mail');
    expect(old).toMatchObject({ name: 'Old mail', total: 3, unread: 2, uidNext: 4, highestModseq: 4 });
    expect(old.uidValidity).toBeGreaterThan(inbox.uidValidity);
    expect([...(await f.store.loadUidList(user, old.id)).uids]).toEqual([1, 2, 3]);
    const after = await f.store.getMailbox(user, 'INBOX');
    expect(after).toMatchObject({
      id: inbox.id,
      uidValidity: inbox.uidValidity,
      total: 0,
      unread: 0,
      size: 0,
      uidNext: 4,
      highestModseq: 5,
    });
    const seen = await f.store.changesSince(user, inbox.id, 4);
    expect(seen.expunged.map((e) => e.uid)).toEqual([1, 2, 3]);
    expect(await names(user)).toContain('INBOX/child');
    // New mail still arrives in INBOX, with UIDs INBOX never used.
    await deliverText(f.store, 'new', [{ userId: user }]);
    expect([...(await f.store.loadUidList(user, inbox.id)).uids]).toEqual([4]);
  });

  it('deletes a mailbox with its messages and bodies, but not one with children or a default one', async () => {
    const user = await addUser(f);
    await f.store.createMailbox(user, 'p/c');
    await expect(f.store.deleteMailbox(user, 'p')).rejects.toMatchObject({ code: 'MAILBOX_HAS_CHILDREN' });
    for (const name of ['INBOX', 'inbox', 'Trash'])
      await expect(f.store.deleteMailbox(user, name)).rejects.toMatchObject({ code: 'MAILBOX_PROTECTED' });
    const { blob } = await deliverText(f.store, 'in c', [{ userId: user, mailbox: 'p/c' }]);
    await f.store.setSubscribed(user, 'p/c', true);
    expect((await f.store.quota(user)).usedBytes).toBe(blob.size);
    await f.store.deleteMailbox(user, 'p/c');
    expect((await f.store.quota(user)).usedBytes).toBe(0);
    expect(await f.store.blobs.has(blob.blobId)).toBe(false);
    expect(await f.store.listSubscriptions(user)).toContain('p/c');
    await f.store.deleteMailbox(user, 'p');
    await expect(f.store.deleteMailbox(user, 'p')).rejects.toMatchObject({ code: 'MAILBOX_NOT_FOUND' });
    await f.store.setSubscribed(user, 'p/c', false);
    expect(await f.store.listSubscriptions(user)).not.toContain('p/c');
  });

  it("never shows or changes another user's mailbox", async () => {
    const alice = await addUser(f);
    const bob = await addUser(f);
    const inbox = await f.store.getMailbox(alice, 'INBOX');
    await expect(f.store.getMailboxById(bob, inbox.id)).rejects.toMatchObject({ code: 'MAILBOX_NOT_FOUND' });
    await expect(f.store.loadUidList(bob, inbox.id)).rejects.toMatchObject({ code: 'MAILBOX_NOT_FOUND' });
    await expect(f.store.changesSince(bob, inbox.id, 0)).rejects.toMatchObject({ code: 'MAILBOX_NOT_FOUND' });
    await expect(
      f.store.setFlags(bob, inbox.id, [1], { mode: 'add', flags: FLAG.seen }),
    ).rejects.toMatchObject({
      code: 'MAILBOX_NOT_FOUND',
    });
    await expect(f.store.expunge(bob, inbox.id)).rejects.toMatchObject({ code: 'MAILBOX_NOT_FOUND' });
  });
});
