import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../test/harness/databases.js';
import {
  addUser,
  deliverText,
  openStore,
  rawMessage,
  type StoreFixture,
  sampleIndex,
  writeBlob,
} from '../../../../test/harness/mail-store.js';
import { attemptEvents } from '../queue/attempt-events.js';
import { planOutbound } from '../queue/index.js';
import { FLAG } from './index.js';
import { type FlagChangeItem, flagEvents, IDS_PER_EVENT } from './mail-events.js';

const databases = useDatabases();

describe.each(databases.engines)('mail events on %s', (engine) => {
  let f: StoreFixture;
  beforeAll(async () => {
    f = await openStore(await databases.fresh(engine));
  });
  afterAll(() => f.close());

  /** The events after `after`, as [type, data]. */
  const eventsAfter = async (after: number) =>
    (
      await f.database.db
        .selectFrom('event_log')
        .select(['position', 'type', 'address', 'data'])
        .where('position', '>', after)
        .orderBy('position')
        .execute()
    ).map((r) => ({ type: r.type, address: r.address, data: JSON.parse(r.data) as Record<string, unknown> }));
  const head = async () =>
    Number(
      (
        await f.database.db
          .selectFrom('event_log')
          .select((eb) => eb.fn.max('position').as('p'))
          .executeTakeFirst()
      )?.p ?? 0,
    );
  const addressOf = async (userId: string) =>
    (
      await f.database.db
        .selectFrom('users')
        .select('address')
        .where('id', '=', userId)
        .executeTakeFirstOrThrow()
    ).address;

  it('STORE writes one message.updated per distinct change, listing ids and what changed', async () => {
    const user = await addUser(f);
    const ids: string[] = [];
    for (const s of ['a', 'b', 'c'])
      ids.push(...(await deliverText(f.store, s, [{ userId: user }])).messageIds);
    const inbox = await f.store.getMailbox(user, 'INBOX');
    const before = await head();
    await f.store.setFlags(user, inbox.id, [[1, 3]], { mode: 'add', flags: FLAG.seen, keywords: ['$Work'] });
    expect(await eventsAfter(before)).toEqual([
      {
        type: 'message.updated',
        address: await addressOf(user),
        data: {
          address: await addressOf(user),
          mailbox: 'INBOX',
          ids,
          uids: [1, 2, 3],
          flags: { seen: true },
          keywords: { added: ['$Work'], removed: [] },
        },
      },
    ]);
    // Replace: message 1 loses \Seen and $Work; 2 and 3 lose only $Work. Two distinct changes.
    const mid = await head();
    await f.store.setFlags(user, inbox.id, [1], { mode: 'replace', flags: FLAG.flagged | FLAG.seen });
    await f.store.setFlags(user, inbox.id, [[1, 3]], { mode: 'replace', flags: FLAG.seen });
    const got = await eventsAfter(mid);
    expect(got.map((e) => [e.data.ids, e.data.flags, e.data.keywords])).toEqual([
      [[ids[0]], { flagged: true }, { added: [], removed: ['$Work'] }],
      [[ids[0]], { flagged: false }, undefined],
      [[ids[1], ids[2]], undefined, { added: [], removed: ['$Work'] }],
    ]);
    // Nothing changes: no event.
    const last = await head();
    await f.store.setFlags(user, inbox.id, [[1, 3]], { mode: 'add', flags: FLAG.seen });
    expect(await eventsAfter(last)).toEqual([]);
  });

  it('move, copy, expunge and APPEND write their events', async () => {
    const user = await addUser(f);
    const address = await addressOf(user);
    const [first] = (await deliverText(f.store, 'one', [{ userId: user }])).messageIds;
    await deliverText(f.store, 'two', [{ userId: user }]);
    const inbox = await f.store.getMailbox(user, 'INBOX');
    const trash = await f.store.getMailbox(user, 'Trash');
    const before = await head();
    await f.store.moveMessages(user, inbox.id, [1], trash.id);
    const copy = await f.store.copyMessages(user, inbox.id, [2], trash.id);
    await f.store.setFlags(user, trash.id, [1], { mode: 'add', flags: FLAG.deleted });
    await f.store.expunge(user, trash.id);
    const drafts = await f.store.getMailbox(user, 'Drafts');
    const blob = await writeBlob(f.store, rawMessage('draft'));
    const placed = await f.store.append({
      userId: user,
      mailboxId: drafts.id,
      blob,
      index: sampleIndex('draft'),
    });
    const got = await eventsAfter(before);
    expect(got.map((e) => e.type)).toEqual([
      'message.updated',
      'message.new',
      'message.updated',
      'message.deleted',
      'message.new',
    ]);
    expect(got[0]?.data).toEqual({
      address,
      mailbox: 'INBOX',
      ids: [first],
      uids: [1],
      moved: { to: 'Trash', ids: [first], uids: [1] },
    });
    expect(got[1]?.data).toMatchObject({ mailbox: 'Trash', uid: copy.destUids[0], subject: 'two' });
    expect(got[3]?.data).toEqual({ address, mailbox: 'Trash', ids: [first], uids: [1] });
    expect(got[4]?.data).toMatchObject({ mailbox: 'Drafts', id: placed.messageId, subject: 'draft' });
  });

  it('a change that fails writes no event', async () => {
    const user = await addUser(f);
    await deliverText(f.store, 'one', [{ userId: user }]);
    const inbox = await f.store.getMailbox(user, 'INBOX');
    const size = (await f.store.quota(user)).usedBytes;
    await f.database.db
      .updateTable('users')
      .set({ quota_bytes: size + 1 })
      .where('id', '=', user)
      .execute();
    const before = await head();
    // The quota check fails inside the copy's transaction, a name taken inside the create's: both roll back.
    await expect(f.store.copyMessages(user, inbox.id, [1], inbox.id)).rejects.toMatchObject({
      code: 'QUOTA_EXCEEDED',
    });
    await expect(f.store.createMailbox(user, 'Trash')).rejects.toMatchObject({ code: 'MAILBOX_EXISTS' });
    expect(await eventsAfter(before)).toEqual([]);
  });

  it('mailbox create, rename and delete write mailbox.* events', async () => {
    const user = await addUser(f);
    const address = await addressOf(user);
    const before = await head();
    await f.store.createMailbox(user, 'Projects/2024');
    await f.store.renameMailbox(user, 'Projects', 'Archive/Old');
    await f.store.deleteMailbox(user, 'Archive/Old/2024');
    const got = await eventsAfter(before);
    expect(got.map((e) => [e.type, e.data])).toEqual([
      ['mailbox.created', { address, mailbox: 'Projects' }],
      ['mailbox.created', { address, mailbox: 'Projects/2024' }],
      ['mailbox.renamed', { address, from: 'Projects', to: 'Archive/Old' }],
      ['mailbox.renamed', { address, from: 'Projects/2024', to: 'Archive/Old/2024' }],
      ['mailbox.created', { address, mailbox: 'Archive' }],
      ['mailbox.deleted', { address, mailbox: 'Archive/Old/2024', messages: 0 }],
    ]);
  });
});

describe('delivery events', () => {
  const plan = () =>
    planOutbound({
      mailFrom: 'alice@example.test',
      recipients: ['a@remote.test', 'b@remote.test', 'c@other.test'],
      senderUserId: 'u1',
      headerMessageId: '<m@example.test>',
      subject: 'out',
      size: 10,
      smtputf8: false,
      now: Date.now(),
    });

  it('an attempt writes one event per outcome with its recipients, and delivery.bounced when a bounce went out', () => {
    const rows = plan();
    const job = rows.domains.find((d) => d.domain === 'remote.test');
    if (!job) throw new Error('no job for remote.test');
    const reply = {
      code: 550,
      enhanced: '5.1.1',
      response: '550 5.1.1 no such user',
      remoteHost: 'mx.remote.test',
    };
    const events = attemptEvents(
      job,
      rows.message,
      [
        {
          address: 'a@remote.test',
          state: 'delivered',
          code: 250,
          enhanced: null,
          response: '250 ok',
          remoteHost: 'mx.remote.test',
        },
        { address: 'b@remote.test', state: 'failed', ...reply },
      ],
      { nextAttemptAt: Date.now(), bounced: true },
    );
    expect(events.map((e) => [e.type, e.domain, e.address, e.data.recipients])).toEqual([
      ['delivery.delivered', 'example.test', 'alice@example.test', ['a@remote.test']],
      ['delivery.failed', 'example.test', 'alice@example.test', ['b@remote.test']],
      ['delivery.bounced', 'example.test', 'alice@example.test', ['b@remote.test']],
    ]);
    expect(events[1]?.data).toMatchObject({ queueId: job.id, domain: 'remote.test', attempts: 1, ...reply });
  });
});

describe.each(databases.engines)('delivery.queued on %s', (engine) => {
  it('is written by the delivery that queues the message, one per destination domain', async () => {
    const f = await openStore(await databases.fresh(engine));
    try {
      const rows = planOutbound({
        mailFrom: 'alice@example.test',
        recipients: ['a@remote.test', 'b@remote.test', 'c@other.test'],
        headerMessageId: '<q@example.test>',
        subject: 'out',
        size: 10,
        smtputf8: false,
        now: Date.now(),
      });
      const blob = await writeBlob(f.store, rawMessage('out'));
      await f.store.deliver({
        blob,
        targets: [],
        index: sampleIndex('out'),
        internalDate: Date.now(),
        outbound: rows,
      });
      const got = await f.database.db
        .selectFrom('event_log')
        .select(['type', 'domain', 'data'])
        .orderBy('position')
        .execute();
      expect(
        got.map((e) => [
          e.type,
          e.domain,
          (JSON.parse(e.data) as { domain: string; recipients: string[] }).recipients,
        ]),
      ).toEqual(
        rows.domains.map((d) => [
          'delivery.queued',
          'example.test',
          rows.recipients.filter((r) => r.queue_domain_id === d.id).map((r) => r.address),
        ]),
      );
    } finally {
      await f.close();
    }
  });
});

describe('flagEvents', () => {
  it('splits a large change into events of at most IDS_PER_EVENT ids, in order', () => {
    const n = IDS_PER_EVENT * 2 + 5;
    const items: FlagChangeItem[] = Array.from({ length: n }, (_, i) => ({
      id: `m${i}`,
      uid: i + 1,
      before: { bits: 0, keywords: [] },
      after: { bits: FLAG.seen, keywords: [] },
    }));
    const events = flagEvents('a@one.test', 'INBOX', items);
    expect(events.map((e) => (e.data.ids as string[]).length)).toEqual([IDS_PER_EVENT, IDS_PER_EVENT, 5]);
    expect(events.flatMap((e) => e.data.uids as number[])).toEqual(items.map((x) => x.uid));
    expect(events.every((e) => e.type === 'message.updated' && e.domain === 'one.test')).toBe(true);
  });
});
