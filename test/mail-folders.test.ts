import { ConflictError, JdMail, ValidationError } from '@jdmail/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, useDatabases } from './harness/databases.js';
import { startServer, type TestServer } from './harness/server.js';

// Folders through the REST API and the SDK, on both engines: the same store
// operations IMAP uses (create with parents, rename a tree, INBOX rename,
// delete rules, copy, flags and keywords), so REST and IMAP cannot disagree.

const databases = useDatabases();
const ME = 'mei@folders.test';

describe.each(databases.engines)('folders over REST on %s', (engine) => {
  let db: TestDatabase;
  let server: TestServer;
  let jd: JdMail;

  const names = async () => (await jd.mail.mailboxes(ME)).map((m) => m.name);
  const send = async (subject: string) => (await jd.mail.send(ME, { to: [ME], subject, text: subject })).id;

  beforeAll(async () => {
    db = await databases.fresh(engine);
    server = await startServer({ databaseUrl: db.databaseUrl });
    jd = new JdMail({ baseUrl: server.baseUrl, token: server.adminKey ?? '' });
    await jd.domains.create('folders.test');
    await jd.users.create({ address: ME, password: 'folders-password' });
  });
  afterAll(() => server?.destroy());

  it('creates a nested Chinese folder with its parent, subscribed, and refuses a taken or bad name', async () => {
    const box = await jd.mail.createMailbox(ME, '客户/北京');
    expect(box).toMatchObject({ name: '客户/北京', total: 0, unread: 0, subscribed: true });
    expect(await names()).toEqual(['INBOX', 'Sent', 'Drafts', 'Junk', 'Trash', '客户', '客户/北京']);
    await expect(jd.mail.createMailbox(ME, 'inbox')).rejects.toMatchObject({
      status: 409,
      code: 'MAILBOX_EXISTS',
    });
    await expect(jd.mail.createMailbox(ME, 'a//b')).rejects.toBeInstanceOf(ValidationError);
    await expect(jd.mail.createMailbox(ME, 'Archive', { specialUse: '\\Junk' })).rejects.toMatchObject({
      code: 'SPECIAL_USE_INVALID',
    });
    const quiet = await jd.mail.createMailbox(ME, 'Quiet', { subscribed: false, specialUse: '\\Archive' });
    expect(quiet).toMatchObject({ subscribed: false, specialUse: '\\Archive' });
  });

  it('renames a tree (the name in the path URL-encoded, `/` as %2F), subscribes and unsubscribes', async () => {
    await jd.mail.createMailbox(ME, 'P/Q/R');
    const renamed = await jd.mail.renameMailbox(ME, 'P/Q', 'Done/2024');
    expect(renamed.name).toBe('Done/2024');
    const all = await names();
    expect(all).toEqual(expect.arrayContaining(['P', 'Done', 'Done/2024', 'Done/2024/R']));
    expect(all).not.toContain('P/Q');
    expect((await jd.mail.subscribeMailbox(ME, 'Done/2024/R', false)).subscribed).toBe(false);
    expect((await jd.mail.subscribeMailbox(ME, 'Done/2024/R')).subscribed).toBe(true);
    await expect(jd.mail.renameMailbox(ME, 'Trash', 'Bin')).rejects.toMatchObject({
      code: 'MAILBOX_PROTECTED',
    });
    await expect(jd.mail.renameMailbox(ME, 'Nope', 'Nope2')).rejects.toMatchObject({ status: 404 });
  });

  it('deletes a folder with its messages, never one with children or a default one', async () => {
    await jd.mail.createMailbox(ME, 'Old/Inner');
    const id = await send('to be filed');
    await jd.mail.move(ME, id, 'Old/Inner');
    await expect(jd.mail.deleteMailbox(ME, 'Old')).rejects.toMatchObject({ code: 'MAILBOX_HAS_CHILDREN' });
    await expect(jd.mail.deleteMailbox(ME, 'Trash')).rejects.toBeInstanceOf(ConflictError);
    const before = (await jd.users.get(ME)).usedBytes;
    const { size } = await jd.mail.get(ME, id);
    await jd.mail.deleteMailbox(ME, 'Old/Inner');
    await expect(jd.mail.get(ME, id)).rejects.toMatchObject({ status: 404 });
    expect((await jd.users.get(ME)).usedBytes).toBe(before - size);
    await jd.mail.deleteMailbox(ME, 'Old');
    expect(await names()).not.toContain('Old');
  });

  it('copies a message (new id, same flags, counted in the quota), sets flags and keywords, moves it', async () => {
    const id = await send('flag me');
    const flagged = await jd.mail.setFlags(ME, id, {
      flagged: true,
      answered: true,
      keywords: ['$junk', 'invoice'],
    });
    expect(flagged).toMatchObject({
      flagged: true,
      answered: true,
      draft: false,
      deleted: false,
      keywords: ['$Junk', 'invoice'],
    });
    await expect(jd.mail.setFlags(ME, id, { keywords: ['two words'] })).rejects.toMatchObject({
      status: 422,
    });
    const used = (await jd.users.get(ME)).usedBytes;
    const copy = await jd.mail.copy(ME, id, '客户');
    expect(copy).toMatchObject({
      mailbox: '客户',
      flagged: true,
      keywords: ['$Junk', 'invoice'],
      subject: 'flag me',
    });
    expect(copy.id).not.toBe(id);
    expect((await jd.users.get(ME)).usedBytes).toBe(used + copy.size);
    expect(Buffer.from(await jd.mail.raw(ME, copy.id)).equals(Buffer.from(await jd.mail.raw(ME, id)))).toBe(
      true,
    );
    const moved = await jd.mail.move(ME, id, 'Trash');
    expect(moved).toMatchObject({ id, mailbox: 'Trash', flagged: true });
    const boxes = await jd.mail.mailboxes(ME);
    expect(boxes.find((b) => b.name === '客户')).toMatchObject({ total: 1, unread: 0 }); // a copy of the Sent copy: read
    await expect(jd.mail.copy(ME, id, 'Missing')).rejects.toMatchObject({ code: 'MAILBOX_NOT_FOUND' });
  });

  it('renames INBOX: its messages move to the new folder and INBOX stays, empty', async () => {
    await send('in the inbox');
    const inbox = (await jd.mail.mailboxes(ME)).find((b) => b.name === 'INBOX');
    expect(inbox?.total).toBeGreaterThan(0);
    const old = await jd.mail.renameMailbox(ME, 'INBOX', 'Inbox 2025');
    expect(old.total).toBe(inbox?.total);
    const after = (await jd.mail.mailboxes(ME)).find((b) => b.name === 'INBOX');
    expect(after).toMatchObject({ total: 0, unread: 0, size: 0 });
    const id = await send('after the rename');
    expect((await jd.mail.get(ME, id)).mailbox).toBe('Sent');
    expect((await jd.mail.list(ME, { mailbox: 'INBOX', limit: 1 })).items[0]?.subject).toBe(
      'after the rename',
    );
  });
});
