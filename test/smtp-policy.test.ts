import { JdMail } from '@jdmail/sdk';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, useDatabases } from './harness/databases.js';
import type { TestServer } from './harness/server.js';
import { RawSmtp } from './harness/smtp-raw.js';
import { startWithAliceAndBob, submissionTransport } from './harness/smtp-users.js';

// Group mail policies enforced at RCPT and DATA on both listeners, and
// greylisting on the MX, against the real server on both engines with real
// clients (nodemailer, raw SMTP). Clients come from different 127.x.y.z
// networks: greylisting counts a client by its /24, and 127.0.9.0/24 is exempt.

const databases = useDatabases();
const EXEMPT = '127.0.9.1';
const DELAY_SECONDS = 3;

/** nodemailer on the MX from `localAddress`, as a remote MTA. */
function mxTransport(server: TestServer, localAddress = EXEMPT) {
  return nodemailer.createTransport({
    host: '127.0.0.1',
    port: server.smtpPort,
    secure: false,
    ignoreTLS: true,
    localAddress,
  } as Parameters<typeof nodemailer.createTransport>[0]);
}

/** One MAIL FROM / RCPT TO over a raw session from `from`; returns the RCPT reply. */
async function rcptFrom(server: TestServer, client: string, mailFrom: string, rcpt: string) {
  const c = await RawSmtp.connect(server.smtpPort, client);
  try {
    await c.reply();
    await c.command('EHLO remote.test');
    expect((await c.command(`MAIL FROM:<${mailFrom}>`)).code).toBe(250);
    return await c.command(`RCPT TO:<${rcpt}>`);
  } finally {
    c.close();
  }
}

const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: { response?: string; responseCode?: number }) => e,
  );

describe.each(databases.engines)('SMTP policies on %s', (engine) => {
  let db: TestDatabase;
  let server: TestServer;
  let jd: JdMail;

  beforeAll(async () => {
    db = await databases.fresh(engine);
    ({ server } = await startWithAliceAndBob(db, {
      JDMAIL_GREYLIST_ENABLED: 'true',
      JDMAIL_GREYLIST_DELAY_SECONDS: String(DELAY_SECONDS),
      JDMAIL_GREYLIST_EXEMPT_NETWORKS: JSON.stringify(['127.0.9.0/24']),
      // Loopback is trusted by default (and trusted clients are never greylisted): not here.
      JDMAIL_MAIL_AUTH_TRUSTED_NETWORKS: '[]',
      JDMAIL_MAIL_AUTH_INBOUND: 'false',
    }));
    jd = new JdMail({ baseUrl: server.baseUrl, token: server.adminKey ?? '', timeoutMs: 60_000 });
    await jd.users.create({ address: 'intern@example.com', password: 'intern-password-1' });
    await jd.users.create({ address: 'cfo@example.com', password: 'cfo-password-1' });
    const interns = await jd.groups.create({ domain: 'example.com', name: 'Interns', kind: 'department' });
    await jd.groups.addMembers(interns.id, ['intern@example.com']);
    await jd.filter.replaceGroupPolicy(interns.id, {
      send: 'inside',
      maxSendBytes: 50_000,
      sizeLimitsApply: 'all',
    });
    const finance = await jd.groups.create({ domain: 'example.com', name: 'Finance', kind: 'department' });
    await jd.groups.addMembers(finance.id, ['cfo@example.com']);
    await jd.filter.replaceGroupPolicy(finance.id, { maxReceiveBytes: 20_000, sizeLimitsApply: 'outside' });
    // A distribution group with a finance member and another: a refused member is dropped, not the group.
    const everyone = await jd.groups.create({
      domain: 'example.com',
      name: 'Everyone',
      kind: 'group',
      address: 'everyone@example.com',
    });
    await jd.groups.addMembers(everyone.id, ['cfo@example.com', 'bob@example.com']);
  }, 120_000);
  afterAll(() => server?.destroy());

  it('submission: an intern may send inside the company only, within their size limit', async () => {
    const t = submissionTransport(server, 'intern@example.com', 'intern-password-1');
    try {
      const outside = await errorOf(
        t.sendMail({ from: 'intern@example.com', to: 'partner@remote.test', text: 'hi' }),
      );
      expect(outside?.responseCode).toBe(550);
      expect(outside?.response).toMatch(
        /^550 5\.7\.1 intern@example\.com may send mail only inside the company/,
      );
      const inside = await t.sendMail({ from: 'intern@example.com', to: 'bob@example.com', text: 'inside' });
      expect(inside.accepted).toEqual(['bob@example.com']);
      // The DATA answer is the data stage's own, through the policy's wrapper.
      expect(inside.response).toMatch(/^250 2\.0\.0 Ok: queued as \S+$/);
      // No SIZE declared: the limit is held at DATA, answered with the group's reason.
      const big = await errorOf(
        t.sendMail({ from: 'intern@example.com', to: 'bob@example.com', text: 'x'.repeat(60_000) }),
      );
      expect(big?.response).toMatch(
        /^552 5\.3\.4 intern@example\.com may send messages of at most 50000 bytes/,
      );
    } finally {
      t.close();
    }
    // Alice is in no group: nothing binds her.
    const alice = submissionTransport(server, 'alice@example.com', 'alice-password');
    await expect(
      alice.sendMail({ from: 'alice@example.com', to: 'bob@example.com', text: 'x'.repeat(60_000) }),
    ).resolves.toMatchObject({ accepted: ['bob@example.com'] });
    alice.close();
  });

  it('MX: finance takes no large mail from outside, at RCPT with SIZE and at DATA without', async () => {
    const c = await RawSmtp.connect(server.smtpPort, EXEMPT);
    await c.reply();
    await c.command('EHLO remote.test');
    expect((await c.command('MAIL FROM:<x@remote.test> SIZE=30000')).code).toBe(250);
    expect((await c.command('RCPT TO:<cfo@example.com>')).text).toBe(
      '552 5.3.4 cfo@example.com takes messages of at most 20000 bytes',
    );
    expect((await c.command('RCPT TO:<bob@example.com>')).code).toBe(250);
    c.close();

    const t = mxTransport(server);
    const big = await errorOf(
      t.sendMail({ from: 'x@remote.test', to: 'cfo@example.com', text: 'y'.repeat(30_000) }),
    );
    expect(big?.response).toMatch(/^552 5\.3\.4 cfo@example\.com takes messages of at most 20000 bytes/);
    await expect(
      t.sendMail({ from: 'x@remote.test', to: 'cfo@example.com', text: 'small' }),
    ).resolves.toMatchObject({ accepted: ['cfo@example.com'] });
    t.close();
    // A MAIL FROM in a local domain on the MX is still outside: anyone can write it.
    const spoof = await rcptFrom(server, EXEMPT, 'alice@example.com', 'cfo@example.com');
    expect(spoof.code).toBe(250);
    // From inside (submission) the limit does not apply.
    const alice = submissionTransport(server, 'alice@example.com', 'alice-password');
    await expect(
      alice.sendMail({ from: 'alice@example.com', to: 'cfo@example.com', text: 'z'.repeat(30_000) }),
    ).resolves.toMatchObject({ accepted: ['cfo@example.com'] });
    alice.close();
  });

  it('MX: a group address drops the refused member and keeps the others; refusals are in the trace', async () => {
    const c = await RawSmtp.connect(server.smtpPort, EXEMPT);
    await c.reply();
    await c.command('EHLO remote.test');
    await c.command('MAIL FROM:<list@remote.test> SIZE=30000');
    expect((await c.command('RCPT TO:<everyone@example.com>')).code).toBe(250);
    c.close();
    const deadline = Date.now() + 20_000;
    for (;;) {
      const page = await jd.queue.trace({ to: 'cfo@example.com' });
      const refused = page.items.filter((e) => e.event === 'refused');
      if (refused.length >= 2) {
        expect(refused[0]?.detail?.code).toBe(552);
        expect(refused[0]?.detail?.reason).toMatch(/^group Finance: /);
        break;
      }
      if (Date.now() > deadline) throw new Error(`no refused events: ${JSON.stringify(page.items)}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  });

  it('greylists a first-time triplet at RCPT, passes its retry after the delay, then at once', async () => {
    const client = '127.0.5.1';
    const first = await rcptFrom(server, client, 'news@remote.test', 'bob@example.com');
    expect(first.code).toBe(451);
    expect(first.text).toMatch(/^451 4\.7\.1 Greylisted: .*try again in \d+ seconds/);
    // Too early: still deferred.
    expect((await rcptFrom(server, client, 'news@remote.test', 'bob@example.com')).code).toBe(451);
    // An unknown recipient is refused as such, never greylisted.
    expect((await rcptFrom(server, client, 'news@remote.test', 'nobody@example.com')).code).toBe(550);
    await new Promise((r) => setTimeout(r, DELAY_SECONDS * 1000 + 700));
    const t = mxTransport(server, '127.0.5.2'); // another client of the same /24
    await expect(
      t.sendMail({ from: 'news@remote.test', to: 'bob@example.com', text: 'retried' }),
    ).resolves.toMatchObject({ accepted: ['bob@example.com'] });
    await expect(
      t.sendMail({ from: 'news@remote.test', to: 'bob@example.com', text: 'second message' }),
    ).resolves.toMatchObject({ accepted: ['bob@example.com'] });
    t.close();
  });

  it('never greylists exempt networks or authenticated submission', async () => {
    expect((await rcptFrom(server, EXEMPT, 'fresh@remote.test', 'alice@example.com')).code).toBe(250);
    expect((await rcptFrom(server, '127.0.6.1', 'fresh@remote.test', 'alice@example.com')).code).toBe(451);
    const bob = submissionTransport(server, 'bob@example.com', 'bob-password');
    await expect(
      bob.sendMail({ from: 'bob@example.com', to: 'alice@example.com', text: 'inside' }),
    ).resolves.toMatchObject({ accepted: ['alice@example.com'] });
    bob.close();
  });
});
