import { JdMail } from '@jdmail/sdk';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../packages/server/src/store/index.js';
import { type TestDatabase, useDatabases } from './harness/databases.js';
import { imapflow } from './harness/imap-clients.js';
import type { TestServer } from './harness/server.js';
import { startWithAliceAndBob } from './harness/smtp-users.js';

// Training the spam classifier: from users' Junk moves (imapflow MOVE, REST
// move) into their own model, and through POST /api/v1/spam/train, on both
// engines. What was learned is read from the store (spam_learned), the one
// place that knows: the learner works after the move has answered.

const databases = useDatabases();

const message = (n: number, subject: string) =>
  `Message-ID: <train-e2e-${n}@remote.test>\r\nFrom: x@remote.test\r\nTo: alice@example.com\r\nSubject: ${subject}\r\n\r\n${subject} body ${n}\r\n`;

async function eventually<T>(probe: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.each(databases.engines)('spam training on %s', (engine) => {
  let db: TestDatabase;
  let server: TestServer;
  let database: Database;
  let jd: JdMail;
  let aliceId: string;

  const learned = async (scope: string) =>
    (
      await database.db
        .selectFrom('spam_learned')
        .select(['class'])
        .where('scope', '=', scope)
        .orderBy('at')
        .execute()
    ).map((r) => r.class);

  beforeAll(async () => {
    db = await databases.fresh(engine);
    ({ server } = await startWithAliceAndBob(db));
    jd = new JdMail({ baseUrl: server.baseUrl, token: server.adminKey ?? '', timeoutMs: 60_000 });
    aliceId = (await jd.users.get('alice@example.com')).id;
    database = await openDatabase({ dataDir: server.dataDir, databaseUrl: db.databaseUrl });
    const mx = nodemailer.createTransport({ host: '127.0.0.1', port: server.smtpPort, ignoreTLS: true });
    for (const [n, subject] of [
      [1, 'cheap pills'],
      [2, 'lunch'],
    ] as const) {
      await mx.sendMail({
        envelope: { from: 'x@remote.test', to: ['alice@example.com'] },
        raw: message(n, subject),
      });
    }
    mx.close();
  }, 120_000);
  afterAll(async () => {
    await database?.close();
    await server?.destroy();
  });

  it('learns spam when a user moves a message into Junk over IMAP, ham when they move it back', async () => {
    const imap = await imapflow(server, 'alice@example.com', 'alice-password');
    try {
      await imap.mailboxOpen('INBOX');
      const [first] = (await imap.search({ subject: 'cheap pills' }, { uid: true })) || [];
      expect(first).toBeDefined();
      await imap.messageMove(String(first), 'Junk', { uid: true });
      await eventually(
        () => learned(aliceId),
        (c) => c.length === 1,
        'the spam learn',
      );
      expect(await learned(aliceId)).toEqual(['spam']);
      // The global model stays the administrator's.
      expect(await learned('')).toEqual([]);

      // "Not junk" through the REST API: relearned as ham (its spam counts taken back), not learned twice.
      const [inJunk] = (await jd.mail.list('alice@example.com', { mailbox: 'Junk' })).items;
      await jd.mail.move('alice@example.com', inJunk?.id ?? '', 'INBOX');
      await eventually(
        () => learned(aliceId),
        (c) => c[0] === 'ham',
        'the ham relearn',
      );
      expect(await learned(aliceId)).toEqual(['ham']);

      // Into Junk again and out to Trash: spam once more; deleting from Junk teaches nothing.
      await imap.mailboxOpen('INBOX');
      const again = (await imap.search({ subject: 'cheap pills' }, { uid: true })) || [];
      await imap.messageMove(again.map(String).join(','), 'Junk', { uid: true });
      await eventually(
        () => learned(aliceId),
        (c) => c[0] === 'spam',
        'the second spam learn',
      );
      await imap.mailboxOpen('Junk');
      await imap.messageMove('1:*', 'Trash', { uid: true });
      // A later move that does teach, to know the learner has passed the Trash move.
      await imap.mailboxOpen('INBOX');
      const lunch = (await imap.search({ subject: 'lunch' }, { uid: true })) || [];
      await imap.messageCopy(lunch.map(String).join(','), 'Junk', { uid: true });
      await eventually(
        () => learned(aliceId),
        (c) => c.length === 2,
        'the copy into Junk',
      );
      expect(await learned(aliceId)).toEqual(['spam', 'spam']);
    } finally {
      await imap.logout();
    }
  });

  it('POST /spam/train: the global model for system admins, a user’s own for themselves and their admins', async () => {
    const raw = message(10, 'global offer');
    expect(await jd.filter.trainSpam({ class: 'spam', raw })).toEqual({
      class: 'spam',
      model: 'global',
      user: null,
      outcome: 'learned',
    });
    const b64 = Buffer.from(raw).toString('base64');
    expect(await jd.filter.trainSpam({ class: 'spam', raw: b64, encoding: 'base64' })).toMatchObject({
      outcome: 'already',
    });
    expect(await learned('')).toEqual(['spam']);

    // Alice signs in with her password (HTTP Basic): her own model only.
    const asAlice = (body: unknown) =>
      fetch(`${server.baseUrl}/api/v1/spam/train`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from('alice@example.com:alice-password').toString('base64')}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));
    const [inbox] = (await jd.mail.list('alice@example.com', { mailbox: 'INBOX' })).items;
    const own = await asAlice({ class: 'ham', user: 'alice@example.com', messageId: inbox?.id });
    expect(own).toMatchObject({ status: 200, body: { model: 'user', user: 'alice@example.com' } });
    expect(await asAlice({ class: 'spam', raw })).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    expect(await asAlice({ class: 'spam', user: 'bob@example.com', raw })).toMatchObject({
      status: 404,
      body: { code: 'USER_NOT_FOUND' },
    });
    // Another user's message id is absent for this user.
    await expect(
      jd.filter.trainSpam({ class: 'spam', user: 'bob@example.com', messageId: inbox?.id }),
    ).rejects.toMatchObject({ status: 404, code: 'MESSAGE_NOT_FOUND' });
  });

  it('answers bad training requests with 422 and the field, learning nothing', async () => {
    const before = await learned('');
    const post = (body: unknown) =>
      fetch(`${server.baseUrl}/api/v1/spam/train`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as { errors?: { field: string }[] },
      }));
    const both = await post({ class: 'spam', raw: 'x', messageId: 'm', user: 'alice@example.com' });
    expect(both.status).toBe(422);
    expect(both.body.errors?.[0]?.field).toBe('messageId');
    expect((await post({ class: 'spam' })).body.errors?.[0]?.field).toBe('raw');
    const notBase64 = await post({ class: 'spam', raw: 'not base64!', encoding: 'base64' });
    expect([notBase64.status, notBase64.body.errors?.[0]?.field]).toEqual([422, 'raw']);
    expect((await post({ class: 'maybe', raw: 'x' })).status).toBe(422);
    expect((await post({ class: 'spam', messageId: 'm1' })).body.errors?.[0]?.field).toBe('messageId');
    expect(await learned('')).toEqual(before);
  });
});
