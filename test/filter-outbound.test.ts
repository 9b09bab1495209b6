import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JdMail } from '@jdmail/sdk';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, useDatabases } from './harness/databases.js';
import { runCli, startServer, type TestServer } from './harness/server.js';
import { submissionTransport } from './harness/smtp-users.js';

// Outbound mail passes the filter too, on both engines: submission (nodemailer
// with AUTH) and the REST send. A message the spam model scores above
// filter.outboundSpamThreshold is held in quarantine — answered 250/201, its
// remote recipients not queued and its local ones not delivered until an admin
// releases it; deleted, it is never sent — and a domain rule's reject answers
// the submitting client 550 5.7.1 and the API 422 problem+json.

const databases = useDatabases();

const compose = (options: ConstructorParameters<typeof MailComposer>[0]) =>
  new Promise<Buffer>((resolve, reject) =>
    new MailComposer(options).compile().build((err, msg) => (err ? reject(err) : resolve(msg))),
  );

const SPAM = [
  'Cheap pills online, casino jackpot, win money now, click here to claim your prize',
  'Casino bonus jackpot: free money, cheap pills, claim your prize, click now',
  'You won the lottery jackpot! Claim free money now, casino pills discount',
];
const HAM = [
  'Hi team, the quarterly project meeting moves to Thursday; agenda later.',
  'Please review the project report draft before the meeting on Thursday.',
  'The budget review for the quarterly report is on the agenda of the meeting.',
];
const SPAMMY = 'Casino jackpot: cheap pills, free money, click here to claim your prize now';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'jdmail-outbound-filter-'));
  for (const [dir, texts] of [
    ['spam', SPAM],
    ['ham', HAM],
  ] as const) {
    await mkdir(join(work, dir));
    for (const [i, text] of texts.entries())
      await writeFile(
        join(work, dir, `${i}.eml`),
        await compose({ from: 'x@y.example', to: 'z@corp.test', subject: 'note', text }),
      );
  }
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe.each(databases.engines)('outbound mail through the filter on %s', (engine) => {
  let db: TestDatabase;
  let server: TestServer;
  let jd: JdMail;
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${server.baseUrl}/api/v1${path}`, {
      ...init,
      headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
    });
  const queued = async (recipient: string) => (await jd.queue.list({ recipient })).items;
  const held = async () => (await jd.quarantine.list({ domain: 'corp.test' })).items;
  const subjects = async (address: string, mailbox = 'INBOX') =>
    (await jd.mail.list(address, { mailbox, limit: 100 })).items.map((m) => m.subject);

  beforeAll(async () => {
    db = await databases.fresh(engine);
    server = await startServer({
      databaseUrl: db.databaseUrl,
      env: {
        JDMAIL_SPAM_MIN_SPAM_LEARNED: '3',
        JDMAIL_SPAM_MIN_HAM_LEARNED: '3',
        JDMAIL_SPAM_CACHE_REFRESH_SECONDS: '0',
        // What is queued stays queued: the relay is a closed port.
        JDMAIL_OUTBOUND_RELAY_HOST: '127.0.0.1',
        JDMAIL_OUTBOUND_RELAY_PORT: '1',
        JDMAIL_OUTBOUND_RELAY_REQUIRE_TLS: 'false',
      },
    });
    jd = new JdMail({
      baseUrl: server.baseUrl,
      token: server.adminKey ?? '',
      timeoutMs: 60_000,
      maxRetries: 0,
    });
    await jd.domains.create('corp.test');
    for (const a of ['alice', 'bob'])
      await jd.users.create({ address: `${a}@corp.test`, password: 'outbound-password-1' });
    const env = {
      JDMAIL_DATA_DIR: server.dataDir,
      ...(db.databaseUrl ? { JDMAIL_DATABASE_URL: db.databaseUrl } : {}),
    };
    await runCli(['spam', 'train', '--spam', join(work, 'spam'), '--ham', join(work, 'ham')], env);
  }, 120_000);
  afterAll(() => server?.destroy());

  it('holds spammy submission mail — remote and local recipients — until an admin releases it', async () => {
    const smtp = submissionTransport(server, 'alice@corp.test', 'outbound-password-1');
    try {
      const info = await smtp.sendMail({
        from: 'alice@corp.test',
        to: ['far@remote.example', 'bob@corp.test'],
        subject: 'deal of the day',
        text: SPAMMY,
      });
      expect(info.response).toMatch(/^250/);
    } finally {
      smtp.close();
    }
    const [entry, ...more] = await held();
    expect(more).toEqual([]);
    expect(entry?.sender).toBe('alice@corp.test');
    expect(entry?.recipients.sort()).toEqual(['bob@corp.test', 'far@remote.example']);
    expect(entry?.score).toBeGreaterThan(0.99);
    expect(await queued('far@remote.example')).toEqual([]);
    expect(await subjects('bob@corp.test')).toEqual([]);
    // The sender's own copy is filed as usual.
    expect(await subjects('alice@corp.test', 'Sent')).toContain('deal of the day');

    expect(await jd.quarantine.release(entry?.id ?? '')).toEqual({ delivered: 2 });
    expect((await queued('far@remote.example')).map((q) => q.subject)).toEqual(['deal of the day']);
    expect(await subjects('bob@corp.test')).toEqual(['deal of the day']);
    expect(await held()).toEqual([]);
  });

  it('holds a spammy REST send (201) and never sends it once deleted; sends a plain one at once', async () => {
    const sent = await api('/users/alice@corp.test/send', {
      method: 'POST',
      body: JSON.stringify({ to: ['other@remote.example'], subject: 'jackpot', text: SPAMMY }),
    });
    expect(sent.status).toBe(201);
    const [entry] = await held();
    expect(entry?.recipients).toEqual(['other@remote.example']);
    expect(await queued('other@remote.example')).toEqual([]);
    await jd.quarantine.delete(entry?.id ?? '');
    expect(await held()).toEqual([]);
    expect(await queued('other@remote.example')).toEqual([]);

    await jd.mail.send('alice@corp.test', {
      to: ['other@remote.example'],
      subject: 'minutes',
      text: 'The project meeting minutes and the report draft for Thursday.',
    });
    expect((await queued('other@remote.example')).map((q) => q.subject)).toEqual(['minutes']);
    expect(await held()).toEqual([]);
  });

  it('answers a domain rule’s reject with 550 5.7.1 on submission and 422 on the send API; nothing is sent', async () => {
    await jd.filter.replaceRules(
      [
        {
          name: 'no secrets out',
          when: { all: [{ direction: 'outbound' }, { header: { name: 'subject', contains: 'secret' } }] },
          actions: [{ action: 'reject', text: 'Secrets stay inside' }],
        },
      ],
      'corp.test',
    );
    const smtp = submissionTransport(server, 'alice@corp.test', 'outbound-password-1');
    try {
      const refused = smtp.sendMail({
        from: 'alice@corp.test',
        to: ['leak@remote.example'],
        subject: 'the secret plan',
        text: 'hi',
      });
      await expect(refused).rejects.toMatchObject({
        responseCode: 550,
        response: expect.stringMatching(/^550 5\.7\.1 Secrets stay inside/),
      });
    } finally {
      smtp.close();
    }
    const rest = await api('/users/alice@corp.test/send', {
      method: 'POST',
      body: JSON.stringify({ to: ['leak@remote.example'], subject: 'secret 2', text: 'hi' }),
    });
    expect(rest.status).toBe(422);
    expect(rest.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await rest.json()).toMatchObject({ code: 'FILTER_REJECTED', detail: 'Secrets stay inside' });
    expect(await queued('leak@remote.example')).toEqual([]);
    expect((await subjects('alice@corp.test', 'Sent')).filter((s) => s.includes('secret'))).toEqual([]);
    await jd.filter.replaceRules([], 'corp.test');
  });
});
