import { Readable } from 'node:stream';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../test/harness/databases.js';
import { openStore, type StoreFixture } from '../../../../test/harness/mail-store.js';
import { createTestDirectory } from '../directory/testing/test-directory.js';
import { AppError } from '../shared/index.js';
import { createMailService } from './mail-service.js';

const databases = useDatabases();

// What the API's send promises: 201 means every recipient has it; an error means none has it and
// the sender's Sent mailbox does not show it, so retrying can neither lose nor duplicate it.
describe('MailService.send with blind copies', () => {
  let f: StoreFixture;
  let failRecipients = false;

  beforeEach(async () => {
    f = await openStore(await databases.fresh('sqlite'));
    failRecipients = false;
  });
  afterEach(() => f.close());

  async function setup() {
    const directory = createTestDirectory(f.database.db);
    for (const local of ['alice', 'bob', 'carol'])
      await directory.createUser({ address: `${local}@example.test`, password: `${local}-password-1` });
    // The store as the service sees it, except that the recipients' delivery (INBOX only) can fail.
    const store = Object.create(f.store) as typeof f.store;
    store.deliver = async (input) => {
      if (failRecipients && input.targets.every((t) => t.mailbox === 'INBOX'))
        throw new AppError('STORAGE_FULL', 'disk full');
      return f.store.deliver(input);
    };
    const mail = createMailService({
      store,
      directory,
      hostname: 'mail.example.test',
      maxMessageSize: 1024 * 1024,
      log: pino({ level: 'silent' }),
    });
    return { mail };
  }

  const input = { to: ['bob@example.test'], bcc: ['carol@example.test'], subject: 'Plans', text: 'Hi' };
  const count = async (mail: Awaited<ReturnType<typeof setup>>['mail'], address: string, mailbox = 'INBOX') =>
    (await mail.listMessages(address, { mailbox, limit: 10 })).items.length;

  it('files the Sent copy and delivers the recipients’ copy', async () => {
    const { mail } = await setup();
    const { id } = await mail.send('alice@example.test', input, { clientAddress: '192.0.2.7' });
    expect([await count(mail, 'bob@example.test'), await count(mail, 'carol@example.test')]).toEqual([1, 1]);
    const sent = await mail.listMessages('alice@example.test', { mailbox: 'Sent', limit: 10 });
    expect(sent.items.map((m) => [m.id, m.unread])).toEqual([[id, false]]);
    const raw = await new Response(
      (await mail.openRaw('alice@example.test', id)).stream as unknown as ReadableStream,
    ).text();
    expect(raw).toMatch(/^Bcc: carol@example\.test\r$/m);
    // The trace header names the API client, not a placeholder.
    expect(raw).toMatch(/^Received: from api \(\[192\.0\.2\.7\]\)/);
  });

  it('refuses base64 that is not padded, naming the attachment', async () => {
    const { mail } = await setup();
    const attachments = [
      { filename: 'a.txt', content: 'YWJj' },
      { filename: 'b.txt', content: 'YWI' },
    ];
    await expect(mail.send('alice@example.test', { ...input, attachments })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      extra: { field: 'attachments[1].content' },
    });
    expect(await count(mail, 'bob@example.test')).toBe(0);
  });

  it('refuses a send whose composed header section is past the intake bound (HEADER_TOO_LARGE), storing nothing', async () => {
    const { mail } = await setup();
    // Display names have no length limit in the API: 100 of 6,000 characters make a 600 KB header.
    const to = Array.from({ length: 100 }, () => ({ name: 'n'.repeat(6000), address: 'bob@example.test' }));
    await expect(mail.send('alice@example.test', { ...input, to, bcc: undefined })).rejects.toMatchObject({
      code: 'HEADER_TOO_LARGE',
      status: 413,
    });
    expect(await count(mail, 'alice@example.test', 'Sent')).toBe(0);
    expect(await count(mail, 'bob@example.test')).toBe(0);
  });

  it('takes the Sent copy back when the recipients’ delivery fails', async () => {
    const { mail } = await setup();
    failRecipients = true;
    await expect(mail.send('alice@example.test', input)).rejects.toMatchObject({ code: 'STORAGE_FULL' });
    expect(await count(mail, 'alice@example.test', 'Sent')).toBe(0);
    expect([await count(mail, 'bob@example.test'), await count(mail, 'carol@example.test')]).toEqual([0, 0]);
    expect(await mail.unreadCount('alice@example.test')).toEqual({ unread: 0, total: 0 });
    const { usedBytes } = await f.store.quota(
      (await createTestDirectory(f.database.db).getUser('alice@example.test')).id,
    );
    expect(usedBytes).toBe(0);

    failRecipients = false;
    await mail.send('alice@example.test', input);
    expect(await count(mail, 'alice@example.test', 'Sent')).toBe(1);
    expect([await count(mail, 'bob@example.test'), await count(mail, 'carol@example.test')]).toEqual([1, 1]);
  });
});

describe('MailService.receive for submission: who the message says wrote it', () => {
  let f: StoreFixture;
  beforeEach(async () => {
    f = await openStore(await databases.fresh('sqlite'));
  });
  afterEach(() => f.close());

  it('refuses a From that is not the sender’s, and a header section too long to read to its From', async () => {
    const directory = createTestDirectory(f.database.db);
    const alice = await directory.createUser({ address: 'alice@example.test', password: 'alice-password-1' });
    const bob = await directory.createUser({ address: 'bob@example.test', password: 'bob-password-1' });
    const mail = createMailService({
      store: f.store,
      directory,
      hostname: 'mail.example.test',
      maxMessageSize: 4 * 1024 * 1024,
      log: pino({ level: 'silent' }),
    });
    const submit = (message: string, checkAuthors = true) =>
      mail.receive({
        stream: Readable.from([Buffer.from(message)]),
        trace: '',
        targets: [{ userId: bob.id, address: bob.address }],
        maxSize: 4 * 1024 * 1024,
        submission: { senderUserId: alice.id, checkAuthors },
      });
    const spoof = 'From: bob@example.test\r\nSubject: s\r\n\r\nx\r\n';
    await expect(submit(spoof)).rejects.toMatchObject({ code: 'SENDER_NOT_ALLOWED' });
    // Headers padded past what is read for the index must not hide a From further down.
    const padded = `Subject: s\r\n${'X-Pad: '.padEnd(998, 'x')}\r\n`.repeat(300);
    await expect(submit(`${padded}From: alice@example.test\r\n\r\nx\r\n`)).rejects.toMatchObject({
      code: 'SENDER_NOT_ALLOWED',
      message: expect.stringMatching(/too long/),
    });
    // A message that is all header, and short, is read whole.
    await submit('From: alice@example.test\r\nSubject: all header\r\n');
    // With the check off (smtp.checkFromHeader=false) any From goes through.
    await submit(spoof, false);
    const inbox = await mail.listMessages(bob.address, { mailbox: 'INBOX', limit: 10 });
    expect(inbox.items.map((m) => m.subject)).toEqual(['s', 'all header']);
    // The refused ones were filed nowhere: only the two taken are in Sent.
    expect((await mail.listMessages(alice.address, { mailbox: 'Sent', limit: 10 })).items).toHaveLength(2);
  });
});
