import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../test/harness/databases.js';
import { addUser, deliverText, openStore, type StoreFixture } from '../../../../test/harness/mail-store.js';
import { appendEvents, type NewEvent } from '../store/index.js';
import { createEventLog, cursorExpired, type LocalEventLog, toCloudEvent } from './index.js';

const databases = useDatabases();

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const ev = (
  type: NewEvent['type'],
  address: string | null,
  data: Record<string, unknown> = {},
): NewEvent => ({
  type,
  domain: address ? (address.split('@')[1] as string) : null,
  address,
  data,
});

describe.each(databases.engines)('event log on %s', (engine) => {
  let f: StoreFixture;
  let log: LocalEventLog;
  beforeEach(async () => {
    f = await openStore(await databases.fresh(engine));
    log = createEventLog({ database: f.database });
  });
  afterEach(async () => {
    await log.close();
    await f.close();
  });

  const append = (events: NewEvent[]) =>
    f.database.db.transaction().execute((trx) => appendEvents(trx, events));
  const all = { domains: 'all' as const };

  it('reads appended events in position order with their data, ids unique UUID v7', async () => {
    expect(await log.head()).toBe(0);
    await append([ev('user.created', 'a@one.test', { n: 1 }), ev('user.updated', 'b@two.test', { n: 2 })]);
    await append([ev('sync.completed', null, { n: 3 })]);
    const got = await log.read({ after: 0, scope: all, limit: 10 });
    expect(got.map((e) => [e.type, e.address, e.domain, e.data])).toEqual([
      ['user.created', 'a@one.test', 'one.test', { n: 1 }],
      ['user.updated', 'b@two.test', 'two.test', { n: 2 }],
      ['sync.completed', null, null, { n: 3 }],
    ]);
    const positions = got.map((e) => e.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(new Set(positions).size).toBe(3);
    for (const e of got) expect(e.id).toMatch(UUID_V7);
    expect(new Set(got.map((e) => e.id)).size).toBe(3);
    expect(await log.head()).toBe(positions[2]);
    // Paging: after the first, at most one.
    const page = await log.read({ after: positions[0] as number, scope: all, limit: 1 });
    expect(page.map((e) => e.position)).toEqual([positions[1]]);
  });

  it('writes nothing when the transaction rolls back', async () => {
    await append([ev('user.created', 'a@one.test')]);
    const before = await log.head();
    await expect(
      f.database.db.transaction().execute(async (trx) => {
        await appendEvents(trx, [ev('user.deleted', 'a@one.test')]);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await log.head()).toBe(before);
    expect((await log.read({ after: 0, scope: all, limit: 10 })).map((e) => e.type)).toEqual([
      'user.created',
    ]);
  });

  it('filters by exact type and by prefix, and by scope', async () => {
    await append([
      ev('user.created', 'a@one.test'),
      ev('message.new', 'a@one.test'),
      ev('user.disabled', 'b@two.test'),
      ev('group.created', null),
      ev('mailbox.created', 'c@one.test'),
    ]);
    const types = async (q: Partial<Parameters<LocalEventLog['read']>[0]>) =>
      (await log.read({ after: 0, scope: all, limit: 50, ...q })).map((e) => `${e.type} ${e.address}`);
    expect(await types({ types: ['user.*'] })).toEqual([
      'user.created a@one.test',
      'user.disabled b@two.test',
    ]);
    expect(await types({ types: ['message.new', 'group.*'] })).toEqual([
      'message.new a@one.test',
      'group.created null',
    ]);
    // `_` and `%` in a prefix are literal, not LIKE wildcards.
    expect(await types({ types: ['u_er.*'] })).toEqual([]);
    expect(await types({ scope: { domains: ['one.test'] } })).toEqual([
      'user.created a@one.test',
      'message.new a@one.test',
      'mailbox.created c@one.test',
    ]);
    expect(await types({ scope: { domains: [] } })).toEqual([]);
    expect(await types({ scope: { address: 'b@two.test' } })).toEqual(['user.disabled b@two.test']);
  });

  it('writes message.new per placed copy in the delivery transaction, none for a failed delivery', async () => {
    const alice = await addUser(f);
    const bob = await addUser(f);
    const { messageIds } = await deliverText(f.store, 'hello events', [
      { userId: alice },
      { userId: bob, mailbox: 'Junk', seen: true },
    ]);
    const users = await f.database.db.selectFrom('users').select(['id', 'address']).execute();
    const addressOf = (id: string) => users.find((u) => u.id === id)?.address;
    const got = await log.read({ after: 0, scope: all, limit: 10 });
    expect(got.map((e) => e.type)).toEqual(['message.new', 'message.new']);
    expect(got.map((e) => e.address)).toEqual([addressOf(alice), addressOf(bob)]);
    expect(got[0]?.domain).toBe('example.test');
    expect(got[0]?.data).toMatchObject({
      address: addressOf(alice),
      mailbox: 'INBOX',
      id: messageIds[0],
      uid: 1,
      subject: 'hello events',
      unread: true,
      from: { address: expect.any(String) },
    });
    expect(got[1]?.data).toMatchObject({ mailbox: 'Junk', id: messageIds[1], unread: false });
    expect((got[0] as { data: { size: number } }).data.size).toBeGreaterThan(0);

    // A delivery to a missing mailbox is refused: no event.
    await expect(deliverText(f.store, 'lost', [{ userId: alice, mailbox: 'Nope' }])).rejects.toMatchObject({
      code: 'MAILBOX_NOT_FOUND',
    });
    expect(await log.read({ after: got[1]?.position as number, scope: all, limit: 10 })).toEqual([]);
  });

  it('tells onAppend listeners after deliveries and transactions commit', async () => {
    const alice = await addUser(f);
    const seen: number[] = [];
    let wake: () => void = () => {};
    const off = log.onAppend((p) => {
      seen.push(p);
      wake();
    });
    const woken = () => new Promise<void>((resolve) => (wake = resolve));
    let next = woken();
    await deliverText(f.store, 'ping', [{ userId: alice }]);
    await next;
    const afterDelivery = await log.head();
    expect(seen.at(-1)).toBe(afterDelivery);
    next = woken();
    await append([ev('user.updated', 'a@example.test')]);
    await next;
    expect(seen.at(-1)).toBe(await log.head());
    expect(seen.at(-1)).toBeGreaterThan(afterDelivery);
    off();
  });

  it('prunes a prefix older than the retention and reports the floor', async () => {
    await append([ev('user.created', 'a@one.test'), ev('user.created', 'b@one.test')]);
    const [first, second] = await log.read({ after: 0, scope: all, limit: 10 });
    expect(await log.oldest()).toBe(1);
    expect(cursorExpired(0, await log.oldest())).toBe(false);
    // Nothing is older than a day.
    expect(await log.prune(Date.now(), 24 * 3600_000)).toBe(0);
    // Everything is older than 0 ms an hour from now.
    expect(await log.prune(Date.now() + 3600_000, 0)).toBe(2);
    expect(await log.read({ after: 0, scope: all, limit: 10 })).toEqual([]);
    const oldest = await log.oldest();
    expect(oldest).toBe((second?.position as number) + 1);
    expect(cursorExpired(first?.position as number, oldest)).toBe(true);
    expect(cursorExpired(second?.position as number, oldest)).toBe(false);
    // Positions are never reused after the log was emptied.
    await append([ev('user.created', 'c@one.test')]);
    const [third] = await log.read({ after: 0, scope: all, limit: 10 });
    expect(third?.position).toBeGreaterThan(second?.position as number);
  });
});

describe('toCloudEvent', () => {
  it('is a CloudEvents 1.0 envelope with the position as the sequence extension', () => {
    const e = toCloudEvent(
      {
        position: 42,
        id: '0190a5d2-7c3e-7000-8000-000000000000',
        type: 'message.new',
        time: Date.UTC(2026, 0, 2, 3, 4, 5),
        domain: 'one.test',
        address: 'a@one.test',
        data: { subject: 'hi' },
      },
      'https://mail.one.test',
    );
    expect(e).toEqual({
      specversion: '1.0',
      id: '0190a5d2-7c3e-7000-8000-000000000000',
      source: 'https://mail.one.test',
      type: 'message.new',
      time: '2026-01-02T03:04:05.000Z',
      subject: 'a@one.test',
      datacontenttype: 'application/json',
      data: { subject: 'hi' },
      sequence: '00000000000000000042',
    });
  });
});
