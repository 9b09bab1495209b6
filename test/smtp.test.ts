import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from './harness/databases.js';
import { runCli, type TestServer } from './harness/server.js';
import { RawSmtp } from './harness/smtp-raw.js';
import { startWithAliceAndBob } from './harness/smtp-users.js';
import { smtplib } from './harness/smtplib.js';

const databases = useDatabases();

describe.each(databases.engines)('SMTP MX listener on %s', (engine) => {
  let server: TestServer;
  let env: Record<string, string>;

  beforeAll(async () => {
    ({ server, env } = await startWithAliceAndBob(await databases.fresh(engine), {
      JDMAIL_SMTP_MAX_MESSAGE_SIZE: String(256 * 1024),
    }));
    await runCli(['user', 'add', 'tiny@example.com', '--quota', '2000'], env);
  });
  afterAll(() => server?.destroy());

  it('accepts mail from nodemailer for a local user with 250 and refuses unknown users with 550 5.1.1', async () => {
    const t = nodemailer.createTransport({
      host: '127.0.0.1',
      port: server.smtpPort,
      secure: false,
      tls: { rejectUnauthorized: false },
    });
    const info = await t.sendMail({
      from: 'sender@remote.test',
      to: 'alice@example.com',
      subject: 'via nodemailer',
      text: 'hi',
    });
    expect(info.accepted).toEqual(['alice@example.com']);
    expect(info.response).toMatch(/^250 /);
    const err = await t
      .sendMail({ from: 'sender@remote.test', to: 'nobody@example.com', subject: 'x', text: 'x' })
      .catch((e) => e);
    expect(err.responseCode).toBe(550);
    expect(err.response).toMatch(/5\.1\.1/);
    t.close();
  });

  it('accepts mail from Python smtplib and refuses relaying', async () => {
    expect(await smtplib(server.smtpPort, 'py@remote.test', 'bob@example.com', 'via smtplib')).toEqual({
      ok: true,
      refused: {},
    });
    const relay = await smtplib(server.smtpPort, 'py@remote.test', 'someone@elsewhere.test', 'relay');
    expect(relay).toMatchObject({ ok: false, code: 550 });
    expect(relay.message).toMatch(/5\.7\.1/);
  });

  it('refuses a declared oversize message at MAIL FROM and an undeclared one after DATA with 552', async () => {
    const c = await RawSmtp.connect(server.smtpPort);
    await c.reply();
    expect((await c.command('EHLO raw.test')).text).toContain(`SIZE ${256 * 1024}`);
    expect((await c.command(`MAIL FROM:<big@remote.test> SIZE=${10 * 1024 * 1024}`)).code).toBe(552);
    expect((await c.command('MAIL FROM:<big@remote.test>')).code).toBe(250);
    expect((await c.command('RCPT TO:<alice@example.com>')).code).toBe(250);
    expect((await c.command('DATA')).code).toBe(354);
    const line = `${'x'.repeat(998)}\r\n`;
    c.write(`Subject: big\r\n\r\n${line.repeat(400)}.\r\n`);
    const r = await c.reply();
    expect(r.code).toBe(552);
    expect(r.text).toMatch(/5\.3\.4/);
    // The session stays usable after the refusal.
    expect((await c.command('RSET')).code).toBe(250);
    expect((await c.command('QUIT')).code).toBe(221);
    c.close();
  });

  it('refuses a full mailbox at RCPT with 452 4.2.2 (temporary: the user can make room)', async () => {
    const c = await RawSmtp.connect(server.smtpPort);
    await c.reply();
    await c.command('EHLO raw.test');
    expect((await c.command('MAIL FROM:<a@remote.test> SIZE=5000')).code).toBe(250);
    expect((await c.command('RCPT TO:<tiny@example.com>')).text).toMatch(/^452 4\.2\.2/);
    // Undeclared size: accepted while under quota — the one message that crosses it is kept, not lost.
    await c.command('RSET');
    await c.command('MAIL FROM:<a@remote.test>');
    expect((await c.command('RCPT TO:<tiny@example.com>')).code).toBe(250);
    expect((await c.command('DATA')).code).toBe(354);
    c.write(`Subject: fills it\r\n\r\n${'z'.repeat(3000)}\r\n.\r\n`);
    expect((await c.reply()).code).toBe(250);
    await c.command('MAIL FROM:<a@remote.test>');
    expect((await c.command('RCPT TO:<tiny@example.com>')).text).toMatch(/^452 4\.2\.2/);
    c.close();
  });

  it('takes mail for an internationalized domain in either form, for postmaster, and for a quoted local part', async () => {
    // The CLI, like the API, takes the Unicode name and keeps its A-label.
    expect(await runCli(['domain', 'add', '例子.中国'], env)).toContain('added xn--fsqu00a.xn--fiqs8s');
    expect(await runCli(['user', 'add', 'Wang@例子。中国'], env)).toContain(
      'added wang@xn--fsqu00a.xn--fiqs8s',
    );
    // No admin yet: postmaster has nowhere to go, and is refused as unknown, not as relaying.
    const before = await RawSmtp.connect(server.smtpPort);
    await before.reply();
    await before.command('EHLO raw.test');
    await before.command('MAIL FROM:<a@remote.test>');
    expect((await before.command('RCPT TO:<Postmaster>')).text).toMatch(/^550 5\.1\.1/);
    before.close();
    await runCli(['user', 'add', 'admin@example.com', '--role', 'admin'], env);
    await runCli(['user', 'add', 'carol@example.com'], env);
    const c = await RawSmtp.connect(server.smtpPort);
    await c.reply();
    expect((await c.command('EHLO raw.test')).text).toContain('SMTPUTF8');
    const deliver = async (mailFrom: string, rcpts: string[], subject: string) => {
      expect((await c.command(mailFrom)).code).toBe(250);
      for (const r of rcpts) expect((await c.command(`RCPT TO:<${r}>`)).text, r).toMatch(/^250 /);
      expect((await c.command('DATA')).code).toBe(354);
      c.write(`Subject: ${subject}\r\n\r\nhello\r\n.\r\n`);
      expect((await c.reply()).code).toBe(250);
    };
    // smtp-server hands an A-label domain over in Unicode; both forms reach the same mailbox.
    await deliver('MAIL FROM:<a@remote.test>', ['WANG@XN--FSQU00A.xn--fiqs8s'], 'by A-label');
    await deliver('MAIL FROM:<a@remote.test> SMTPUTF8', ['wang@例子.中国'], 'by U-label');
    // RFC 5321 §4.5.1: postmaster of every local domain, and bare <Postmaster>, reach the admins.
    await deliver('MAIL FROM:<a@remote.test>', ['Postmaster', 'postmaster@例子.中国'], 'to postmaster');
    // RFC 5321 §4.1.2: a quoted local part that needs no quotes is the same mailbox.
    await deliver('MAIL FROM:<a@remote.test>', ['"carol"@example.com'], 'quoted');
    expect((await c.command('MAIL FROM:<a@remote.test>')).code).toBe(250);
    expect((await c.command('RCPT TO:<postmaster@elsewhere.test>')).text).toMatch(/^550 5\.7\.1/);
    // One that does need them is another mailbox: smtp-server refuses its syntax (501); never carol's.
    expect((await c.command('RCPT TO:<"carol x"@example.com>')).code).toBeGreaterThanOrEqual(500);
    await c.command('QUIT');
    c.close();

    const unread = async (address: string) => {
      const res = await fetch(
        `${server.baseUrl}/api/v1/users/${encodeURIComponent(address)}/messages?unread=true`,
        { headers: { authorization: `Bearer ${server.adminKey}` } },
      );
      expect(res.status, address).toBe(200);
      const body = (await res.json()) as { items: { subject: string }[] };
      return body.items.map((m) => m.subject).sort();
    };
    expect(await unread('wang@例子.中国')).toEqual(['by A-label', 'by U-label']);
    expect(await unread('wang@xn--fsqu00a.xn--fiqs8s')).toEqual(['by A-label', 'by U-label']);
    // Two postmaster recipients, one admin: one copy.
    expect(await unread('admin@example.com')).toEqual(['to postmaster']);
    expect(await unread('carol@example.com')).toEqual(['quoted']);
  });

  it('delivers to a group address once to each enabled member, and refuses a group with none at RCPT', async () => {
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${server.baseUrl}/api/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${server.adminKey}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
      expect(res.status, `${method} ${path}`).toBeLessThan(300);
      return res.status === 204 ? undefined : ((await res.json()) as Record<string, unknown>);
    };
    for (const u of ['gina', 'hugo', 'ivan']) await runCli(['user', 'add', `${u}@example.com`], env);
    const team = await call('POST', '/groups', {
      domain: 'example.com',
      name: 'Team',
      kind: 'department',
      address: 'team@example.com',
    });
    await call('POST', `/groups/${team?.id}/members`, {
      addresses: ['gina@example.com', 'hugo@example.com', 'ivan@example.com'],
    });
    await call('PATCH', '/users/ivan@example.com', { enabled: false });
    await call('POST', '/groups', {
      domain: 'example.com',
      name: 'Empty',
      kind: 'group',
      address: 'empty@example.com',
    });

    const c = await RawSmtp.connect(server.smtpPort);
    await c.reply();
    await c.command('EHLO raw.test');
    await c.command('MAIL FROM:<a@remote.test>');
    expect((await c.command('RCPT TO:<empty@example.com>')).text).toMatch(/^550 5\.1\.1/);
    // gina both directly and through the group: one copy.
    expect((await c.command('RCPT TO:<team@example.com>')).code).toBe(250);
    expect((await c.command('RCPT TO:<gina@example.com>')).code).toBe(250);
    expect((await c.command('DATA')).code).toBe(354);
    c.write('Subject: to the team\r\n\r\nhello\r\n.\r\n');
    expect((await c.reply()).code).toBe(250);
    c.close();
    const subjects = async (address: string) => {
      const page = await call('GET', `/users/${address}/messages`);
      return ((page?.items ?? []) as { subject: string }[]).map((m) => m.subject);
    };
    expect(await subjects('gina@example.com')).toEqual(['to the team']);
    expect(await subjects('hugo@example.com')).toEqual(['to the team']);
    expect(await subjects('ivan@example.com')).toEqual([]);
  });

  it('reuses RCPT lookups: a change through the API applies at once, one by the CLI within smtp.recipientCacheMs', async () => {
    await runCli(['user', 'add', 'kim@example.com'], env);
    await runCli(['user', 'add', 'lou@example.com'], env);
    const c = await RawSmtp.connect(server.smtpPort);
    await c.reply();
    await c.command('EHLO raw.test');
    const rcpt = async (address: string) => {
      await c.command('RSET');
      await c.command('MAIL FROM:<a@remote.test>');
      return (await c.command(`RCPT TO:<${address}>`)).text;
    };
    // Both looked up, so both are in the cache.
    expect(await rcpt('kim@example.com')).toMatch(/^250/);
    expect(await rcpt('lou@example.com')).toMatch(/^250/);
    // Through this server's API: the next RCPT already knows.
    const res = await fetch(`${server.baseUrl}/api/v1/users/kim@example.com`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ enabled: false }),
    });
    expect(res.status).toBe(200);
    expect(await rcpt('kim@example.com')).toMatch(/^550 5\.2\.1/);
    // By the CLI, another process on the same database: within the cache's lifetime (1 s by default).
    const disabledAt = Date.now();
    await runCli(['user', 'disable', 'lou@example.com'], env);
    let reply = await rcpt('lou@example.com');
    while (!reply.startsWith('550') && Date.now() - disabledAt < 5000) {
      await new Promise((r) => setTimeout(r, 100));
      reply = await rcpt('lou@example.com');
    }
    expect(reply).toMatch(/^550 5\.2\.1/);
    c.close();
  });

  it('gives each message of a session its own id, in the 250 reply and in its Received header', async () => {
    const c = await RawSmtp.connect(server.smtpPort);
    await c.reply();
    await c.command('EHLO raw.test');
    const ids: string[] = [];
    for (const subject of ['queue id 1', 'queue id 2']) {
      await c.command('MAIL FROM:<a@remote.test>');
      await c.command('RCPT TO:<bob@example.com>');
      await c.command('DATA');
      c.write(`Subject: ${subject}\r\n\r\nhello\r\n.\r\n`);
      const queued = /^250 2\.0\.0 Ok: queued as (\S+)$/.exec((await c.reply()).text);
      ids.push(queued?.[1] ?? '');
    }
    c.close();
    expect(ids[0]).toMatch(/^\S+\.1$/);
    expect(ids[1]).toBe(ids[0]?.replace(/1$/, '2'));
    const api = (path: string) =>
      fetch(`${server.baseUrl}/api/v1/users/bob@example.com${path}`, {
        headers: { authorization: `Bearer ${server.adminKey}` },
      });
    const { items } = (await (await api('/messages?limit=50')).json()) as {
      items: { id: string; subject: string }[];
    };
    for (const [i, id] of ids.entries()) {
      const m = items.find((x) => x.subject === `queue id ${i + 1}`);
      const raw = await (await api(`/messages/${m?.id}/raw`)).text();
      expect(raw.split('\r\n\r\n')[0]).toMatch(
        new RegExp(`^Received: [^]*\\bid ${id.replace('.', '\\.')}\\b`),
      );
    }
  });

  it('answers malformed sessions with clean errors and keeps serving others', async () => {
    const bad = await RawSmtp.connect(server.smtpPort);
    await bad.reply();
    expect((await bad.command('HELLO?')).code).toBe(500);
    expect((await bad.command('RCPT TO:<alice@example.com>')).code).toBe(503);
    expect((await bad.command('MAIL FROM:<not an address')).code).toBeGreaterThanOrEqual(500);
    bad.write(Buffer.from([0xff, 0xfe, 0x00, 0x0d, 0x0a]));
    expect((await bad.reply()).code).toBeGreaterThanOrEqual(500);
    bad.write(`EHLO ${'a'.repeat(100_000)}\r\n`);
    await bad.reply().catch(() => undefined);
    bad.close();
    // Cut a session in the middle of DATA: nothing is stored, nothing breaks.
    const cut = await RawSmtp.connect(server.smtpPort);
    await cut.reply();
    await cut.command('EHLO raw.test');
    await cut.command('MAIL FROM:<a@remote.test>');
    await cut.command('RCPT TO:<alice@example.com>');
    await cut.command('DATA');
    cut.write(`Subject: half\r\n\r\n${'half a message '.repeat(10_000)}`);
    // Wait until the server has spilled the message to a temp file, then vanish mid-DATA.
    const tmp = join(server.dataDir, 'blobs', 'tmp');
    const waitFor = async (cond: () => boolean) => {
      for (let i = 0; i < 100 && !cond(); i++) await new Promise((r) => setTimeout(r, 50));
      return cond();
    };
    expect(await waitFor(() => readdirSync(tmp).length > 0)).toBe(true);
    cut.close();
    // The aborted transfer leaves no temp file behind.
    expect(await waitFor(() => readdirSync(tmp).length === 0)).toBe(true);
    expect(await smtplib(server.smtpPort, 'py@remote.test', 'alice@example.com', 'after the storm')).toEqual({
      ok: true,
      refused: {},
    });
  });
});
