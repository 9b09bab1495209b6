import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from './harness/databases.js';
import type { TestServer } from './harness/server.js';
import { RawSmtp } from './harness/smtp-raw.js';
import { startWithAliceAndBob, submissionTransport } from './harness/smtp-users.js';
import { smtplib } from './harness/smtplib.js';

// The submission listener (RFC 6409): STARTTLS, AUTH, and who a signed-in user may send as.
const databases = useDatabases();

describe.each(databases.engines)('SMTP submission listener on %s', (engine) => {
  let server: TestServer;

  beforeAll(async () => {
    ({ server } = await startWithAliceAndBob(await databases.fresh(engine)));
  });
  afterAll(() => server?.destroy());

  it('submission: STARTTLS, AUTH, sender check; remote recipients accepted for the queue, address literals refused', async () => {
    // Signed in as alice, over STARTTLS, with Python's smtplib.
    const asAlice = (password: string, from: string, to: string, subject = 'x') =>
      smtplib(
        server.submissionPort,
        from,
        to,
        subject,
        '--starttls',
        '--login',
        'alice@example.com',
        password,
      );
    expect(await asAlice('alice-password', 'alice@example.com', 'bob@example.com', 'submitted')).toEqual({
      ok: true,
      refused: {},
    });
    const bad = await asAlice('wrong', 'alice@example.com', 'bob@example.com');
    expect(bad).toMatchObject({ ok: false, code: 535 });
    const spoof = await asAlice('alice-password', 'bob@example.com', 'bob@example.com');
    expect(spoof).toMatchObject({ ok: false, code: 553 });
    // Signed in, a user may name remote recipients: they are queued (see outbound-send.test.ts).
    const remote = await asAlice('alice-password', 'alice@example.com', 'friend@elsewhere.test');
    expect(remote).toEqual({ ok: true, refused: {} });
    const literal = await asAlice('alice-password', 'alice@example.com', 'friend@[192.0.2.1]');
    expect(literal).toMatchObject({ ok: false, code: 550 });
    expect(literal.message).toMatch(/5\.1\.2/);
  });

  it('submission: the From and Sender headers must be the user’s own addresses (550 5.7.1), aliases included', async () => {
    const api = (method: string, path: string, body?: object) =>
      fetch(`${server.baseUrl}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
        body: body && JSON.stringify(body),
      }).then((r) => r.json() as Promise<Record<string, unknown>>);
    await api('PATCH', '/users/alice@example.com', { aliases: ['a.liddell@example.com'] });
    const unread = async () => (await api('GET', '/users/bob@example.com/unread-count')).unread as number;
    const sent = async () =>
      ((await api('GET', '/users/alice@example.com/messages?mailbox=Sent&limit=200')).items as unknown[])
        .length;
    const t = submissionTransport(server, 'alice@example.com', 'alice-password');
    const envelope = { from: 'alice@example.com', to: ['bob@example.com'] };
    const [bobBefore, sentBefore] = [await unread(), await sent()];

    // Her own address in another case, and her alias, are hers.
    await t.sendMail({
      envelope,
      from: 'Alice <ALICE@example.com>',
      to: 'bob@example.com',
      subject: 'own',
      text: '.',
    });
    await t.sendMail({
      envelope,
      from: 'a.liddell@example.com',
      to: 'bob@example.com',
      subject: 'alias',
      text: '.',
    });

    const refused = async (headers: string) => {
      const err = await t
        .sendMail({
          envelope,
          raw: `${headers}\r\nTo: bob@example.com\r\nSubject: spoof\r\n\r\nPay this invoice.\r\n`,
        })
        .then(
          () => undefined,
          (e: { responseCode?: number; response?: string }) => e,
        );
      expect(err?.responseCode, headers).toBe(550);
      return err?.response ?? '';
    };
    expect(await refused('From: "CEO" <bob@example.com>')).toMatch(
      /^550 5\.7\.1 From address bob@example\.com does not belong to you/,
    );
    expect(await refused('From: alice@example.com, bob@example.com')).toMatch(/bob@example\.com/);
    expect(await refused('From: alice@example.com\r\nFrom: bob@example.com')).toMatch(/bob@example\.com/);
    expect(await refused('From: alice@example.com\r\nSender: bob@example.com')).toMatch(/Sender address/);
    expect(await refused('From: The CEO')).toMatch(/From header names no address of yours/);
    expect(await refused('From: nobody@elsewhere.test')).toMatch(/nobody@elsewhere\.test/);
    t.close();

    // The two accepted messages were delivered and filed; the refused ones left nothing behind.
    expect(await unread()).toBe(bobBefore + 2);
    expect(await sent()).toBe(sentBefore + 2);
  });

  it('submission refuses AUTH before STARTTLS', async () => {
    const c = await RawSmtp.connect(server.submissionPort);
    await c.reply();
    const ehlo = await c.command('EHLO raw.test');
    expect(ehlo.text).toContain('STARTTLS');
    // smtp-server still lists AUTH here, but refuses it until STARTTLS (538, RFC 4954 §4).
    const auth = await c.command(
      `AUTH PLAIN ${Buffer.from('\0alice@example.com\0alice-password').toString('base64')}`,
    );
    expect(auth.code).toBe(538);
    const mail = await c.command('MAIL FROM:<alice@example.com>');
    expect(mail.code).toBe(530);
    c.close();
  });
});
