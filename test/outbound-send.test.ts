import { createServer, type Server } from 'node:net';
import { JdMail, NotFoundError, RateLimitError } from '@jdmail/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, useDatabases } from './harness/databases.js';
import { runCli, startServer, type TestServer } from './harness/server.js';
import { submissionTransport } from './harness/smtp-users.js';
import { smtplib } from './harness/smtplib.js';

// The sending paths with an outbound queue, on both engines: submission (nodemailer with AUTH)
// and the REST send put remote recipients in the queue in the same transaction as the local
// copies and the Sent copy; operators see the queue and the trace within their domains; the
// send-rate limits answer 451 4.7.1 and 429; `jdmail queue list|retry|delete`.

const databases = useDatabases();

/** Messages a user may send per hour in these tests (`sending.userMessagesPerHour`). */
const PER_HOUR = 4;

/**
 * Where the server's deliveries go (`outbound.relay`): an MTA that is always busy (RFC 5321
 * §3.8: 421 and close), so that what is queued stays queued while the test looks at it.
 */
function busyMta(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer((socket) => {
      socket.on('error', () => {});
      socket.end('421 4.3.2 busy, try again later\r\n');
    });
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address ? address.port : 0 });
    });
  });
}

/** Waits until `probe` returns something truthy (trace events are written in batches). */
async function eventually<T>(probe: () => Promise<T | undefined | false>, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.each(databases.engines)('sending to remote recipients on %s', (engine) => {
  let db: TestDatabase;
  let server: TestServer;
  let mta: { server: Server; port: number };
  let root: JdMail;
  let boss: JdMail;
  let cliEnv: Record<string, string>;

  beforeAll(async () => {
    db = await databases.fresh(engine);
    mta = await busyMta();
    server = await startServer({
      databaseUrl: db.databaseUrl,
      env: {
        JDMAIL_SENDING_USER_MESSAGES_PER_HOUR: String(PER_HOUR),
        JDMAIL_OUTBOUND_RELAY_HOST: '127.0.0.1',
        JDMAIL_OUTBOUND_RELAY_PORT: String(mta.port),
        JDMAIL_OUTBOUND_RELAY_REQUIRE_TLS: 'false',
      },
    });
    cliEnv = {
      JDMAIL_DATA_DIR: server.dataDir,
      ...(db.databaseUrl ? { JDMAIL_DATABASE_URL: db.databaseUrl } : {}),
    };
    root = new JdMail({ baseUrl: server.baseUrl, token: server.adminKey ?? '', maxRetries: 0 });
    await root.domains.create('a.test');
    await root.domains.create('b.test');
    for (const address of ['alice@a.test', 'bob@a.test', 'eve@a.test', 'carol@b.test']) {
      await root.users.create({ address, password: 'user-password-1' });
    }
    await root.users.create({
      address: 'boss@a.test',
      password: 'boss-password-1',
      role: 'domain_admin',
      adminDomains: ['a.test'],
    });
    boss = asUser('boss@a.test', 'boss-password-1');
  });
  afterAll(async () => {
    await server?.destroy();
    mta?.server.close();
  });

  /** The SDK as `user` with HTTP Basic (a domain admin signs in with their password), in place of its Bearer token. */
  function asUser(user: string, password: string): JdMail {
    const authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    const basic: typeof fetch = (input, init = {}) => {
      const headers = new Headers(init.headers);
      headers.set('authorization', authorization);
      return fetch(input, { ...init, headers });
    };
    return new JdMail({ baseUrl: server.baseUrl, token: 'replaced-by-basic', maxRetries: 0, fetch: basic });
  }

  const entriesFor = async (jd: JdMail, params: Parameters<JdMail['queue']['list']>[0]) =>
    (await jd.queue.list({ ...params, limit: 200 })).items;

  it('API send: local recipients have it at once, remote ones (blind copies too) are queued by domain, Sent keeps a copy', async () => {
    const sent = await root.mail.send('alice@a.test', {
      to: ['bob@a.test', 'Partner@Remote.Example'],
      cc: ['buyer@other.example'],
      bcc: ['hidden@remote.example'],
      subject: 'Offer for partners',
      text: 'Our offer.',
    });
    const inbox = await root.mail.list('bob@a.test', { mailbox: 'INBOX' });
    expect(inbox.items.map((m) => m.subject)).toContain('Offer for partners');
    const sentBox = await root.mail.list('alice@a.test', { mailbox: 'Sent' });
    expect(sentBox.items.map((m) => m.id)).toContain(sent.id);

    const entries = await entriesFor(root, { sender: 'alice@a.test' });
    const byDomain = Object.fromEntries(entries.map((e) => [e.domain, e]));
    expect(Object.keys(byDomain).sort()).toEqual(['other.example', 'remote.example']);
    // The local part as written (only the destination may fold its case), the domain canonical.
    expect(byDomain['remote.example']?.recipients.map((r) => r.address).sort()).toEqual([
      'Partner@remote.example',
      'hidden@remote.example',
    ]);
    expect(byDomain['other.example']).toMatchObject({
      sender: 'alice@a.test',
      subject: 'Offer for partners',
      headerMessageId: sent.messageId,
      recipients: [{ address: 'buyer@other.example' }],
    });
    expect(['queued', 'sending', 'deferred']).toContain(byDomain['other.example']?.state);
    const one = await root.queue.get(byDomain['other.example']?.id as string);
    expect(one.queueMessageId).toBe(byDomain['remote.example']?.queueMessageId);
  });

  it('submission with AUTH relays remote recipients into the queue; the MX still refuses to relay', async () => {
    const t = submissionTransport(server, 'alice@a.test', 'user-password-1');
    const info = await t.sendMail({
      from: 'alice@a.test',
      to: ['bob@a.test', 'friend@elsewhere.example'],
      subject: 'Submitted to the world',
      text: 'Hello.',
    });
    t.close();
    expect(info.accepted.sort()).toEqual(['bob@a.test', 'friend@elsewhere.example']);
    const inbox = await root.mail.list('bob@a.test', { mailbox: 'INBOX' });
    expect(inbox.items.map((m) => m.subject)).toContain('Submitted to the world');
    const sentBox = await root.mail.list('alice@a.test', { mailbox: 'Sent' });
    expect(sentBox.items.map((m) => m.subject)).toContain('Submitted to the world');
    const [entry] = await entriesFor(root, { recipient: 'friend@elsewhere.example' });
    expect(entry).toMatchObject({
      domain: 'elsewhere.example',
      sender: 'alice@a.test',
      subject: 'Submitted to the world',
    });

    const relay = await smtplib(server.smtpPort, 'x@outside.example', 'someone@elsewhere.example', 'relay?');
    expect(relay).toMatchObject({ ok: false, code: 550 });
    expect(relay.message).toMatch(/5\.7\.1 Relaying denied/);
    const literal = await smtplib(
      server.submissionPort,
      'alice@a.test',
      'friend@[192.0.2.1]',
      'literal',
      '--starttls',
      '--login',
      'alice@a.test',
      'user-password-1',
    );
    expect(literal).toMatchObject({ ok: false, code: 550 });
  });

  it('a domain admin sees their domain’s entries and traces; another domain’s answer as absent (404)', async () => {
    await root.mail.send('carol@b.test', { to: ['x@partner-b.example'], subject: 'From b', text: 'b' });
    const [carols] = await entriesFor(root, { sender: 'carol@b.test' });
    expect(carols).toBeDefined();
    const id = carols?.id as string;

    const visible = await entriesFor(boss, {});
    expect(visible.length).toBeGreaterThan(0);
    expect(visible.every((e) => e.sender.endsWith('@a.test'))).toBe(true);
    expect(await entriesFor(boss, { sender: 'carol@b.test' })).toEqual([]);
    await expect(boss.queue.get(id)).rejects.toMatchObject({ status: 404, code: 'QUEUE_ENTRY_NOT_FOUND' });
    await expect(boss.queue.retry(id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(boss.queue.delete(id)).rejects.toBeInstanceOf(NotFoundError);
    // An id that does not exist answers the same.
    await expect(boss.queue.get('no-such-entry')).rejects.toMatchObject({
      status: 404,
      code: 'QUEUE_ENTRY_NOT_FOUND',
    });
    expect((await root.queue.get(id)).id).toBe(id);

    // The trace: root sees carol's message queued; the admin of a.test sees nothing of it.
    const messageId = carols?.headerMessageId as string;
    const hops = await eventually(async () => {
      const page = await root.queue.trace({ messageId });
      return page.items.some((e) => e.event === 'queued') && page.items;
    }, 'the queued event of carol’s message');
    expect(hops.find((e) => e.event === 'queued')).toMatchObject({
      sender: 'carol@b.test',
      recipient: 'x@partner-b.example',
    });
    expect((await boss.queue.trace({ messageId })).items).toEqual([]);
    expect((await boss.queue.trace({ from: 'carol@b.test' })).items).toEqual([]);
    const own = await eventually(async () => {
      const page = await boss.queue.trace({ from: 'alice@a.test' });
      return page.items.length > 0 && page.items;
    }, 'the trace of alice’s mail');
    expect(own.every((e) => e.sender === 'alice@a.test')).toBe(true);
    // A plain user has no queue scope.
    const alice = asUser('alice@a.test', 'user-password-1');
    await expect(alice.queue.list()).rejects.toMatchObject({ status: 403, code: 'INSUFFICIENT_SCOPE' });
  });

  it('the send-rate limit: 429 SEND_RATE_LIMITED with Retry-After on the API, 451 4.7.1 on submission', async () => {
    for (let i = 0; i < PER_HOUR; i++) {
      await root.mail.send('eve@a.test', { to: ['bob@a.test'], subject: `eve ${i}`, text: 'x' });
    }
    const refused = await root.mail
      .send('eve@a.test', { to: ['bob@a.test', 'far@remote.example'], subject: 'one too many', text: 'x' })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RateLimitError);
    expect(refused).toMatchObject({ status: 429, code: 'SEND_RATE_LIMITED' });
    expect((refused as RateLimitError).retryAfterMs).toBeGreaterThan(60_000);
    // Refused means nothing was sent: no copy for bob, nothing queued.
    const inbox = await root.mail.list('bob@a.test', { mailbox: 'INBOX', limit: 200 });
    expect(inbox.items.map((m) => m.subject)).not.toContain('one too many');
    expect(await entriesFor(root, { recipient: 'far@remote.example' })).toEqual([]);

    const t = submissionTransport(server, 'eve@a.test', 'user-password-1');
    const err = await t
      .sendMail({ from: 'eve@a.test', to: 'bob@a.test', subject: 'over SMTP', text: 'x' })
      .catch((e: { responseCode?: number; response?: string }) => e);
    t.close();
    expect(err).toMatchObject({ responseCode: 451 });
    expect((err as { response: string }).response).toMatch(/^451 4\.7\.1 /);
    // Another user of the domain is not held back.
    await root.mail.send('alice@a.test', { to: ['bob@a.test'], subject: 'alice still sends', text: 'x' });
  });

  it('operators retry and delete entries with the API and the CLI', async () => {
    await root.mail.send('bob@a.test', { to: ['one@ops.example'], subject: 'retry me', text: 'x' });
    await root.mail.send('bob@a.test', { to: ['two@ops.example'], subject: 'delete me', text: 'x' });
    const [first] = await entriesFor(root, { recipient: 'one@ops.example' });
    const [second] = await entriesFor(root, { recipient: 'two@ops.example' });
    const retried = await boss.queue.retry(first?.id as string);
    expect(retried.id).toBe(first?.id);
    // Due now (unless a worker took it at once: then it is `sending` until its lease ends).
    if (retried.state !== 'sending')
      expect(Date.parse(retried.nextAttemptAt)).toBeLessThanOrEqual(Date.now());

    const listed = await runCli(['queue', 'list', '--domain', 'ops.example'], cliEnv);
    const lines = listed.split('\n').filter(Boolean);
    expect(lines).toHaveLength(2);
    expect(lines.find((l) => l.startsWith(`${second?.id}\t`))).toMatch(
      /\tops\.example\t.*\tbob@a\.test\ttwo@ops\.example\t/,
    );
    expect(await runCli(['queue', 'list', '--recipient', 'nobody@nowhere.example'], cliEnv)).toBe('');
    expect(await runCli(['queue', 'retry', first?.id as string], cliEnv)).toMatch(
      new RegExp(`^retrying ${first?.id} \\(ops\\.example`),
    );
    expect(await runCli(['queue', 'delete', second?.id as string], cliEnv)).toBe(`deleted ${second?.id}\n`);
    await expect(root.queue.get(second?.id as string)).rejects.toBeInstanceOf(NotFoundError);
    await expect(runCli(['queue', 'retry', second?.id as string], cliEnv)).rejects.toThrow(
      /QUEUE_ENTRY_NOT_FOUND/,
    );
    await expect(runCli(['queue', 'list', '--state', 'lost'], cliEnv)).rejects.toThrow(/--state must be/);

    await boss.queue.delete(first?.id as string);
    await expect(root.queue.get(first?.id as string)).rejects.toMatchObject({ status: 404 });
    const deleted = await eventually(async () => {
      const page = await root.queue.trace({ to: 'one@ops.example' });
      return page.items.find((e) => e.event === 'deleted');
    }, 'the deleted event');
    expect(deleted).toMatchObject({ sender: 'bob@a.test', queueId: first?.id });
  });
});
