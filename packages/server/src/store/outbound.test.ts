import { afterEach, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../test/harness/databases.js';
import {
  addUser,
  BODY_MODES,
  openStore,
  rawMessage,
  type StoreFixture,
  sampleIndex,
  storeCases,
  writeBlob,
} from '../../../../test/harness/mail-store.js';
import { planOutbound } from '../queue/index.js';

const databases = useDatabases();

const plan = (subject: string, recipients = ['a@remote.test', 'b@Remote.Test', 'c@other.test']) =>
  planOutbound({
    mailFrom: 'sender@example.test',
    recipients,
    headerMessageId: `<${subject}@example.test>`,
    subject,
    size: rawMessage(subject).length,
    smtputf8: false,
    now: Date.now(),
  });

const count = async (f: StoreFixture, table: 'queue_messages' | 'queue_domains' | 'queue_recipients') =>
  Number(
    (
      await f.database.db
        .selectFrom(table)
        .select((e) => e.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe.each(storeCases(databases.engines))('queueing with a delivery on %s, bodies %s', (engine, mode) => {
  let f: StoreFixture | undefined;
  afterEach(() => f?.close());

  it('commits queue rows with no local copy, pointing at the body', async () => {
    f = await openStore(await databases.fresh(engine), BODY_MODES[mode]);
    const blob = await writeBlob(f.store, rawMessage('out'));
    const rows = plan('out');
    const { messageIds } = await f.store.deliver({
      blob,
      targets: [],
      index: sampleIndex('out'),
      internalDate: Date.now(),
      outbound: rows,
    });
    expect(messageIds).toEqual([]);
    const message = await f.database.db.selectFrom('queue_messages').selectAll().executeTakeFirstOrThrow();
    expect(message).toMatchObject({
      id: rows.message.id,
      blob_id: blob.blobId,
      mail_from: 'sender@example.test',
    });
    const domains = await f.database.db
      .selectFrom('queue_domains')
      .select('domain')
      .orderBy('domain')
      .execute();
    expect(domains.map((d) => d.domain)).toEqual(['other.test', 'remote.test']);
    expect(await count(f, 'queue_recipients')).toBe(3);
    expect((await f.store.blobs.readBuffer(blob.blobId)).toString()).toBe(rawMessage('out'));
  });

  it('commits a local copy and queue rows together, and many such deliveries in one batch', async () => {
    f = await openStore(await databases.fresh(engine), BODY_MODES[mode]);
    const user = await addUser(f);
    const sends = Array.from({ length: 20 }, async (_, i) => {
      const blob = await writeBlob((f as StoreFixture).store, rawMessage(`m${i}`));
      return (f as StoreFixture).store.deliver({
        blob,
        targets: [{ userId: user, mailbox: 'Sent', seen: true }],
        index: sampleIndex(`m${i}`),
        internalDate: Date.now(),
        outbound: plan(`m${i}`, [`x${i}@remote.test`]),
      });
    });
    await Promise.all(sends);
    expect((await f.store.getMailbox(user, 'Sent')).total).toBe(20);
    expect(await count(f, 'queue_messages')).toBe(20);
    expect(await count(f, 'queue_recipients')).toBe(20);
  });

  it('queues nothing when the delivery is refused (its mailbox is gone)', async () => {
    f = await openStore(await databases.fresh(engine), BODY_MODES[mode]);
    const blob = await writeBlob(f.store, rawMessage('refused'));
    await expect(
      f.store.deliver({
        blob,
        targets: [{ userId: 'no-such-user', mailbox: 'Sent' }],
        index: sampleIndex('refused'),
        internalDate: Date.now(),
        outbound: plan('refused'),
      }),
    ).rejects.toMatchObject({ code: 'MAILBOX_NOT_FOUND' });
    expect(await count(f, 'queue_messages')).toBe(0);
    expect(await count(f, 'queue_domains')).toBe(0);
  });

  it('keeps a body the queue holds when its last mailbox copy is deleted, and releases it after', async () => {
    f = await openStore(await databases.fresh(engine), BODY_MODES[mode]);
    const user = await addUser(f);
    const blob = await writeBlob(f.store, rawMessage('held'));
    const { messageIds } = await f.store.deliver({
      blob,
      targets: [{ userId: user, mailbox: 'Sent', seen: true }],
      index: sampleIndex('held'),
      internalDate: Date.now(),
      outbound: plan('held'),
    });
    await f.store.deleteMessage(user, messageIds[0] as string);
    expect((await f.store.sweepBlobs()).bodyRowsRemoved).toBe(0);
    expect((await f.store.blobs.readBuffer(blob.blobId)).toString()).toBe(rawMessage('held'));
    // The queue lets go: now nothing holds it.
    await f.database.db.deleteFrom('queue_messages').execute();
    await f.store.releaseBlobs([blob.blobId]);
    await expect(f.store.blobs.readBuffer(blob.blobId)).rejects.toMatchObject({
      code: 'MESSAGE_NOT_FOUND',
    });
  });
});

describe('a delivery without a target', () => {
  it('is refused unless it has outbound rows', async () => {
    const f = await openStore(await databases.fresh('sqlite'));
    try {
      const blob = await writeBlob(f.store, rawMessage('none'));
      await expect(
        f.store.deliver({ blob, targets: [], index: sampleIndex('none'), internalDate: Date.now() }),
      ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    } finally {
      await f.close();
    }
  });
});
