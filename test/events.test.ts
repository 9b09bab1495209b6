import { type CloudEvent, type EventOf, JdMail } from '@jdmail/sdk';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../packages/server/src/store/index.js';
import { type TestDatabase, useDatabases } from './harness/databases.js';
import { startServer, type TestServer } from './harness/server.js';

// The event log end to end, on both engines: changes made through SMTP and
// the REST API appear in `GET /api/v1/events` as CloudEvents, in order, each
// caller sees only what it may, a refused change writes nothing, and a
// cursor older than the retention answers 410.

const databases = useDatabases();

describe.each(databases.engines)('event log on %s', (engine) => {
  let db: TestDatabase;
  let server: TestServer;
  let jd: JdMail;

  /** Every event after `after` the caller of `client` may see, following `nextCursor`. */
  async function allAfter(client: JdMail, after?: string, types?: string[]): Promise<CloudEvent[]> {
    const out: CloudEvent[] = [];
    let cursor = after;
    for (;;) {
      const page = await client.events.list({ after: cursor, types, limit: 200 });
      out.push(...page.items);
      cursor = page.nextCursor;
      if (!page.hasMore) return out;
    }
  }
  const head = async () => {
    const page = await jd.events.list({ limit: 1000 });
    return page.items.at(-1)?.sequence ?? '0';
  };
  /** GET /api/v1/events as `user` with HTTP Basic. */
  const asUser = async (user: string, password: string, query = '') => {
    const res = await fetch(`${server.baseUrl}/api/v1/events${query}`, {
      headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
    });
    return { status: res.status, body: (await res.json()) as { items: CloudEvent[]; code?: string } };
  };

  beforeAll(async () => {
    db = await databases.fresh(engine);
    server = await startServer({ databaseUrl: db.databaseUrl });
    jd = new JdMail({ baseUrl: server.baseUrl, token: server.adminKey ?? '' });
    await jd.domains.create('example.com');
    await jd.domains.create('other.org');
    await jd.users.create({ address: 'alice@example.com', password: 'alice-password', displayName: 'Alice' });
    await jd.users.create({ address: 'olga@other.org', password: 'olga-password' });
  });
  afterAll(() => server?.destroy());

  it('an SMTP delivery is message.new; reading it through REST is message.updated', async () => {
    const start = await head();
    const t = nodemailer.createTransport({
      host: '127.0.0.1',
      port: server.smtpPort,
      secure: false,
      tls: { rejectUnauthorized: false },
    });
    await t.sendMail({
      from: '"Zhang San" <zhang@partner.test>',
      to: ['alice@example.com', 'olga@other.org'],
      subject: 'Quarterly report',
      text: 'Numbers inside.',
    });
    t.close();
    const arrived = (await allAfter(jd, start, ['message.*'])) as EventOf<'message.new'>[];
    expect(arrived.map((e) => [e.type, e.subject, e.data.mailbox, e.data.subject])).toEqual([
      ['message.new', 'alice@example.com', 'INBOX', 'Quarterly report'],
      ['message.new', 'olga@other.org', 'INBOX', 'Quarterly report'],
    ]);
    const [forAlice] = arrived;
    expect(forAlice).toMatchObject({
      specversion: '1.0',
      datacontenttype: 'application/json',
      data: { from: { name: 'Zhang San', address: 'zhang@partner.test' }, unread: true, uid: 1 },
    });
    expect(Number(arrived[1]?.sequence)).toBeGreaterThan(Number(forAlice?.sequence));

    const id = forAlice?.data.id ?? '';
    expect((await jd.mail.get('alice@example.com', id)).subject).toBe('Quarterly report');
    const before = await head();
    await jd.mail.markRead('alice@example.com', id);
    const read = (await allAfter(jd, before)) as EventOf<'message.updated'>[];
    expect(read.map((e) => [e.type, e.subject, e.data.ids, e.data.flags])).toEqual([
      ['message.updated', 'alice@example.com', [id], { seen: true }],
    ]);
  });

  it('disabling a user is user.disabled; a refused change writes no event', async () => {
    const before = await head();
    await jd.users.disable('olga@other.org');
    await expect(jd.users.create({ address: 'olga@other.org' })).rejects.toMatchObject({ status: 409 });
    await expect(jd.mail.markRead('alice@example.com', 'no-such-message')).rejects.toMatchObject({
      status: 404,
    });
    const got = await allAfter(jd, before);
    expect(got.map((e) => [e.type, e.subject, e.data])).toEqual([
      ['user.disabled', 'olga@other.org', { address: 'olga@other.org', source: null }],
    ]);
  });

  it('a domain-restricted key sees its domain only, a user their own events only', async () => {
    const { key } = await jd.apiKeys.create({
      name: 'portal',
      scopes: ['events:read'],
      domain: 'example.com',
    });
    const portal = new JdMail({ baseUrl: server.baseUrl, token: key });
    const seen = await allAfter(portal);
    expect(seen.length).toBeGreaterThan(0);
    for (const e of seen) expect(e.subject?.endsWith('@example.com')).toBe(true);
    expect(seen.some((e) => e.type === 'user.created' && e.subject === 'alice@example.com')).toBe(true);

    const alice = await asUser('alice@example.com', 'alice-password', '?limit=1000');
    expect(alice.status).toBe(200);
    expect(alice.body.items.length).toBeGreaterThan(0);
    expect(new Set(alice.body.items.map((e) => e.subject))).toEqual(new Set(['alice@example.com']));

    const noScope = await jd.apiKeys.create({ name: 'mail only', scopes: ['mail:read'] });
    await expect(
      new JdMail({ baseUrl: server.baseUrl, token: noScope.key }).events.list(),
    ).rejects.toMatchObject({ status: 403, code: 'INSUFFICIENT_SCOPE' });
    await expect(jd.events.list({ types: ['message.nope'] })).rejects.toMatchObject({ status: 422 });
  });

  it('a cursor older than what the retention kept answers 410 EVENTS_CURSOR_EXPIRED', async () => {
    const all = await allAfter(jd);
    const third = Number(all[2]?.sequence);
    // As the prune leaves it after removing the first three events.
    const database = await openDatabase({ dataDir: server.dataDir, databaseUrl: db.databaseUrl });
    try {
      await database.db.deleteFrom('event_log').where('position', '<=', third).execute();
      await database.db
        .insertInto('meta')
        .values({ key: 'events.pruned_through', value: String(third) })
        .execute();
    } finally {
      await database.close();
    }
    await expect(jd.events.list({ after: '0' })).rejects.toMatchObject({
      status: 410,
      code: 'EVENTS_CURSOR_EXPIRED',
    });
    // The cursor the prune stopped at is still whole, and no cursor is the oldest kept.
    expect((await jd.events.list({ after: String(third), limit: 1 })).items[0]?.sequence).toBe(
      all[3]?.sequence,
    );
    expect((await jd.events.list({ limit: 1 })).items[0]?.sequence).toBe(all[3]?.sequence);
  });
});
