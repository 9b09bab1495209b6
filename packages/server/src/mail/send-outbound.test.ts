import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../test/harness/databases.js';
import { openStore, type StoreFixture } from '../../../../test/harness/mail-store.js';
import { createTestDirectory } from '../directory/testing/test-directory.js';
import { createSendRateLimiter } from '../limits/index.js';
import { planOutbound } from '../queue/index.js';
import { AppError } from '../shared/index.js';
import type { OutboundRows } from '../store/index.js';
import { createMailService, type MailServiceDeps } from './mail-service.js';
import type { StoredEvent } from './outbound.js';

const databases = useDatabases();

// The API's send with remote recipients: they go into the outbound queue by the transaction that
// stores the local copies, blind copies without their Bcc header; the send-rate limits refuse a
// send before anything is stored, and a send that fails gives its charge back.
describe('MailService.send to remote recipients', () => {
  let f: StoreFixture;
  let failDeliveries = false;

  beforeEach(async () => {
    f = await openStore(await databases.fresh('sqlite'));
    failDeliveries = false;
  });
  afterEach(() => f.close());

  async function setup(extra: Partial<MailServiceDeps> = {}) {
    const directory = createTestDirectory(f.database.db);
    for (const local of ['alice', 'bob'])
      await directory.createUser({ address: `${local}@example.test`, password: `${local}-password-1` });
    const store = Object.create(f.store) as typeof f.store;
    store.deliver = async (input) => {
      if (failDeliveries) throw new AppError('STORAGE_FULL', 'disk full');
      return f.store.deliver(input);
    };
    const enqueued: OutboundRows[] = [];
    const traced: StoredEvent[] = [];
    const mail = createMailService({
      store,
      directory,
      hostname: 'mail.example.test',
      maxMessageSize: 1024 * 1024,
      log: pino({ level: 'silent' }),
      outbound: { plan: planOutbound, enqueued: (rows) => enqueued.push(rows) },
      trace: { record: (e) => traced.push(e) },
      ...extra,
    });
    return { mail, enqueued, traced };
  }

  const count = async (mail: Awaited<ReturnType<typeof setup>>['mail'], address: string, mailbox: string) =>
    (await mail.listMessages(address, { mailbox, limit: 10 })).items.length;

  it('queues remote recipients (a blind copy without its Bcc header) with the local and Sent copies', async () => {
    const { mail, enqueued, traced } = await setup();
    const { messageId } = await mail.send('alice@example.test', {
      to: ['bob@example.test', 'Ann@Partner.Example'],
      bcc: ['boss@partner.example', 'ann@partner.example'],
      subject: 'Offer',
      text: 'Hi',
    });
    expect(await count(mail, 'bob@example.test', 'INBOX')).toBe(1);
    expect(await count(mail, 'alice@example.test', 'Sent')).toBe(1);

    const { db } = f.database;
    const [message] = await db.selectFrom('queue_messages').selectAll().execute();
    expect(message).toMatchObject({
      mail_from: 'alice@example.test',
      header_message_id: messageId,
      subject: 'Offer',
    });
    const recipients = await db
      .selectFrom('queue_recipients')
      .select(['address', 'state'])
      .orderBy('address')
      .execute();
    // One row per address (ann twice, in two cases, is one), the local part as it was written.
    expect(recipients).toEqual([
      { address: 'Ann@partner.example', state: 'pending' },
      { address: 'boss@partner.example', state: 'pending' },
    ]);
    const body = (await f.store.blobs.readBuffer(message?.blob_id as string)).toString('utf8');
    expect(body).toMatch(/^Subject: Offer\r$/m);
    expect(body).not.toMatch(/^Bcc:/im);
    expect(body).not.toContain('boss@partner.example');
    expect(enqueued.map((rows) => rows.message.id)).toEqual([message?.id]);
    expect(traced).toEqual([
      expect.objectContaining({
        event: 'stored',
        messageId,
        sender: 'alice@example.test',
        recipient: 'bob@example.test',
      }),
    ]);
  });

  it('refuses remote recipients without an outbound queue, naming the field, and stores nothing', async () => {
    const { mail } = await setup({ outbound: undefined });
    const err = await mail
      .send('alice@example.test', {
        to: ['bob@example.test'],
        cc: ['x@partner.example'],
        subject: 's',
        text: 't',
      })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'RECIPIENT_NOT_LOCAL', extra: { field: 'cc[0]' } });
    expect(await count(mail, 'bob@example.test', 'INBOX')).toBe(0);
    expect(await count(mail, 'alice@example.test', 'Sent')).toBe(0);
  });

  it('counts sends against the limits: over them nothing is stored; a failed send is given back', async () => {
    const sendRate = createSendRateLimiter({
      userMessagesPerHour: 2,
      userRecipientsPerHour: 0,
      domainMessagesPerHour: 0,
      domainRecipientsPerHour: 0,
    });
    const { mail } = await setup({ sendRate });
    const send = (subject: string) =>
      mail.send('alice@example.test', { to: ['bob@example.test', 'x@partner.example'], subject, text: 't' });
    failDeliveries = true;
    await expect(send('fails')).rejects.toMatchObject({ code: 'STORAGE_FULL' });
    failDeliveries = false;
    await send('one');
    await send('two');
    const refused = await send('three').catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'SEND_RATE_LIMITED', status: 429 });
    expect((refused as AppError).extra?.retryAfter).toBeGreaterThan(0);
    const subjects = (await mail.listMessages('bob@example.test', { mailbox: 'INBOX', limit: 10 })).items.map(
      (m) => m.subject,
    );
    expect(subjects.sort()).toEqual(['one', 'two']);
    expect(await f.database.db.selectFrom('queue_messages').select('id').execute()).toHaveLength(2);
  });
});
