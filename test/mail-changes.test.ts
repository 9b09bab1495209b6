import { GoneError, JdMail, type MailboxChanges, type MessageSummary } from '@jdmail/sdk';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, useDatabases } from './harness/databases.js';
import { startServer, type TestServer } from './harness/server.js';

// Delta sync (GET /users/{address}/messages/changes) on both engines: a copy
// kept with the SDK's syncMailbox equals the server's mailbox after new mail
// over SMTP, flags, moves, deletes and concurrent deliveries; a token the
// server can no longer answer is a 410 that the helper turns into a resync.

const databases = useDatabases();
const ME = 'sync@delta.test';

/** A client's copy of the mailbox, applied as the README says: upsert added/updated, drop removed. */
function copyOf() {
  const copy = new Map<string, MessageSummary>();
  const apply = (c: MailboxChanges) => {
    for (const m of [...c.added, ...c.updated]) copy.set(m.id, m);
    for (const id of c.removed) copy.delete(id);
  };
  return { copy, apply, reset: () => copy.clear() };
}

describe.each(databases.engines)('delta sync on %s', (engine) => {
  let db: TestDatabase;
  let server: TestServer;
  let jd: JdMail;

  /** Every message of every folder as the server lists it now: id → [folder, unread, flagged]. */
  const truth = async () => {
    const out = new Map<string, [string, boolean, boolean]>();
    for (const box of await jd.mail.mailboxes(ME))
      for await (const m of jd.mail.list(ME, { mailbox: box.name, limit: 200 }))
        out.set(m.id, [m.mailbox, m.unread, m.flagged]);
    return out;
  };
  const view = (copy: Map<string, MessageSummary>) =>
    new Map([...copy].map(([id, m]) => [id, [m.mailbox, m.unread, m.flagged]]));
  const smtp = () =>
    nodemailer.createTransport({
      host: '127.0.0.1',
      port: server.smtpPort,
      secure: false,
      tls: { rejectUnauthorized: false },
      pool: true,
      maxConnections: 4,
    });

  beforeAll(async () => {
    db = await databases.fresh(engine);
    server = await startServer({ databaseUrl: db.databaseUrl });
    jd = new JdMail({ baseUrl: server.baseUrl, token: server.adminKey ?? '' });
    await jd.domains.create('delta.test');
    await jd.domains.create('other-delta.test');
    await jd.users.create({ address: ME, password: 'delta-password' });
    await jd.users.create({ address: 'olga@other-delta.test', password: 'olga-password' });
  });
  afterAll(() => server?.destroy());

  it('lists everything in pages, then reports new mail, flags, a move and a delete exactly', async () => {
    const t = smtp();
    for (let i = 0; i < 7; i++)
      await t.sendMail({ from: 'a@partner.test', to: ME, subject: `first ${i}`, text: `body ${i}` });
    const { copy, apply } = copyOf();
    const pages: number[] = [];
    let token = await jd.mail.syncMailbox(ME, {
      limit: 3,
      onChange: (c) => {
        pages.push(c.added.length);
        apply(c);
      },
    });
    expect(pages).toEqual([3, 3, 1]);
    expect(view(copy)).toEqual(await truth());

    const before = [...copy.values()].sort((a, b) => a.subject.localeCompare(b.subject));
    const [read, moved, gone] = before as [MessageSummary, MessageSummary, MessageSummary];
    await jd.mail.markRead(ME, read.id);
    await jd.mail.move(ME, moved.id, 'Trash');
    await jd.mail.delete(ME, gone.id);
    await t.sendMail({ from: 'a@partner.test', to: ME, subject: 'later', text: 'later' });
    t.close();

    const delta = await jd.mail.changes(ME, token);
    expect(delta.hasMore).toBe(false);
    expect(delta.updated.map((m) => [m.id, m.unread])).toEqual([[read.id, false]]);
    expect(delta.added.map((m) => m.subject).sort()).toEqual(['later', moved.subject].sort());
    expect(delta.added.find((m) => m.id === moved.id)?.mailbox).toBe('Trash');
    expect(delta.removed).toEqual([gone.id]);
    apply(delta);
    expect(view(copy)).toEqual(await truth());
    token = delta.token;
    // Nothing changed since: an empty answer, and the same position.
    const idle = await jd.mail.changes(ME, token);
    expect(idle).toMatchObject({ added: [], updated: [], removed: [], hasMore: false });
  });

  it('misses nothing while deliveries run concurrently with the syncs', async () => {
    const { copy, apply, reset } = copyOf();
    let token = await jd.mail.syncMailbox(ME, { onChange: apply, onReset: reset, limit: 5 });
    const t = smtp();
    const sends = Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        t.sendMail({ from: 'b@partner.test', to: ME, subject: `burst ${i}`, text: `burst ${i}` }),
      ),
    );
    let done = false;
    void sends.finally(() => {
      done = true;
    });
    let syncs = 0;
    while (!done) {
      token = await jd.mail.syncMailbox(ME, { token, onChange: apply, onReset: reset, limit: 7 });
      syncs++;
    }
    await sends;
    t.close();
    token = await jd.mail.syncMailbox(ME, { token, onChange: apply, onReset: reset, limit: 7 });
    expect(syncs).toBeGreaterThan(0);
    expect(view(copy)).toEqual(await truth());
    expect([...copy.values()].filter((m) => m.subject.startsWith('burst'))).toHaveLength(40);
  });

  it('answers 410 SYNC_TOKEN_EXPIRED once a known folder is deleted, and syncMailbox resyncs', async () => {
    await jd.mail.createMailbox(ME, 'Projects');
    const { copy, apply, reset } = copyOf();
    const token = await jd.mail.syncMailbox(ME, { onChange: apply });
    await jd.mail.deleteMailbox(ME, 'Projects');
    const error = await jd.mail.changes(ME, token).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GoneError);
    expect(error).toMatchObject({ status: 410, code: 'SYNC_TOKEN_EXPIRED' });
    let resets = 0;
    const fresh = await jd.mail.syncMailbox(ME, {
      token,
      onChange: apply,
      onReset: () => {
        resets++;
        reset();
      },
    });
    expect(resets).toBe(1);
    expect(view(copy)).toEqual(await truth());
    expect((await jd.mail.changes(ME, fresh)).added).toEqual([]);
  });

  it('refuses a malformed token (400) and hides another tenant’s mailbox (404)', async () => {
    const base = `${server.baseUrl}/api/v1/users`;
    const auth = { authorization: `Bearer ${server.adminKey}` };
    const bad = await fetch(`${base}/${ME}/messages/changes?since=not-a-token`, { headers: auth });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'INVALID_CURSOR' });
    const { key } = await jd.apiKeys.create({ name: 'delta', scopes: ['mail:read'], domain: 'delta.test' });
    const own = await fetch(`${base}/${ME}/messages/changes`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(own.status).toBe(200);
    const other = await fetch(`${base}/olga@other-delta.test/messages/changes`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(other.status).toBe(404);
    // Olga's token cannot read Sync's folders: the folders of a token are checked against the user.
    const olgaToken = (await jd.mail.changes('olga@other-delta.test')).token;
    const cross = await fetch(`${base}/${ME}/messages/changes?since=${olgaToken}`, { headers: auth });
    expect(cross.status).toBe(410);
  });
});
