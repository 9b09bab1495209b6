import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { JdMail } from '@jdmail/sdk';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, useDatabases } from './harness/databases.js';
import { RawPop3 } from './harness/pop3-raw.js';
import { bodyOf, type PoplibStep, poplib, resultOf } from './harness/poplib.js';
import { startServer, type TestServer } from './harness/server.js';
import { startWithAliceAndBob } from './harness/smtp-users.js';

// POP3 end to end (RFC 1939, 2449, 2595, 5034) with real clients — Python's poplib and curl —
// against the built server, on both engines: what a mail client downloads is exactly what the
// store holds and the API shows, deletions happen only at QUIT, and UIDLs never change.
const databases = useDatabases();
const ALICE = 'alice@example.com';

/** Messages whose bytes exercise the encoder: leading dots, a lone dot, UTF-8, no final CRLF. */
const MESSAGES = [
  'From: bob@example.org\r\nSubject: plain\r\n\r\nHello Alice.\r\n',
  'From: bob@example.org\r\nSubject: dots\r\n\r\n.\r\n..two\r\n.leading\r\nmid.dle\r\n.\r\nend\r\n',
  'From: =?UTF-8?B?5byg5LiJ?= <zhang@example.org>\r\nSubject: =?UTF-8?B?5rWL6K+V?=\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n你好，世界。\r\n第二行\r\n',
  `From: bob@example.org\r\nSubject: long\r\n\r\n${Array.from({ length: 3000 }, (_, i) => `${i % 7 ? '' : '.'}line ${i} ${'x'.repeat(60)}`).join('\r\n')}\r\n`,
];

/** Delivers `raw` to `to` through the MX listener, as another mail server would. */
async function deliver(server: TestServer, to: string, raw: string): Promise<void> {
  const mx = nodemailer.createTransport({
    host: '127.0.0.1',
    port: server.smtpPort,
    secure: false,
    ignoreTLS: true,
  });
  await mx.sendMail({ envelope: { from: 'bob@example.org', to: [to] }, raw });
  mx.close();
}

const signIn = (user = ALICE, password = 'alice-password'): PoplibStep[] => [
  ['stls'],
  ['user', user],
  ['pass', password],
];

describe.each(databases.engines)('POP3 on %s', (engine) => {
  let db: TestDatabase;
  let server: TestServer;
  let jd: JdMail;
  /** INBOX as the API lists it, oldest first (POP3's order). */
  const inbox = async () => (await jd.mail.list(ALICE, { mailbox: 'INBOX', limit: 200 }).toArray()).reverse();

  beforeAll(async () => {
    db = await databases.fresh(engine);
    ({ server } = await startWithAliceAndBob(db));
    jd = new JdMail({ baseUrl: server.baseUrl, token: server.adminKey ?? '' });
    for (const raw of MESSAGES) await deliver(server, ALICE, raw);
  });
  afterAll(async () => {
    await server?.destroy();
    if (server) await rm(server.dataDir, { recursive: true, force: true });
  });

  it('poplib over STLS: STAT, LIST and UIDL agree with the API; RETR gives the stored bytes; TOP n', async () => {
    const listed = await inbox();
    expect(listed).toHaveLength(MESSAGES.length);
    const steps: PoplibStep[] = [['capa'], ...signIn(), ['stat'], ['list'], ['uidl']];
    for (let n = 1; n <= listed.length; n++) steps.push(['retr', n]);
    steps.push(['top', 2, 2], ['top', 4, 0], ['list', 2], ['uidl', 3], ['quit']);
    const out = await poplib(server.pop3Port, steps);
    expect(resultOf<string>(out[0])).toMatch(/^\+OK /);
    expect(Object.keys(resultOf<Record<string, unknown>>(out[1]))).toEqual(
      expect.arrayContaining([
        'STLS',
        'USER',
        'SASL',
        'TOP',
        'UIDL',
        'PIPELINING',
        'RESP-CODES',
        'AUTH-RESP-CODE',
      ]),
    );
    const [stat, list, uidl] = [out[5], out[6], out[7]].map((o) => resultOf(o));
    expect(stat).toEqual([listed.length, listed.reduce((sum, m) => sum + m.size, 0)]);
    expect(list).toEqual(listed.map((m, i) => `${i + 1} ${m.size}`));
    expect(uidl).toEqual(listed.map((m, i) => `${i + 1} ${m.id}`));
    for (const [i, m] of listed.entries()) {
      const raw = Buffer.from(await jd.mail.raw(ALICE, m.id));
      expect(bodyOf(out[8 + i])).toEqual(raw);
    }
    const at = 8 + listed.length;
    const second = Buffer.from(await jd.mail.raw(ALICE, listed[1]?.id ?? '')).toString();
    const [head, body] = second.split('\r\n\r\n') as [string, string];
    expect(bodyOf(out[at]).toString()).toBe(
      `${head}\r\n\r\n${body.split('\r\n').slice(0, 2).join('\r\n')}\r\n`,
    );
    const fourth = Buffer.from(await jd.mail.raw(ALICE, listed[3]?.id ?? '')).toString();
    expect(bodyOf(out[at + 1]).toString()).toBe(`${fourth.split('\r\n\r\n')[0]}\r\n\r\n`);
    expect(resultOf<string>(out[at + 2])).toBe(`+OK 2 ${listed[1]?.size}`);
    expect(resultOf<string>(out[at + 3])).toBe(`+OK 3 ${listed[2]?.id}`);
    // Leave on server: nothing was deleted, and RETR marked what it downloaded read (at QUIT).
    const after = await inbox();
    expect(after.map((m) => m.id)).toEqual(listed.map((m) => m.id));
    expect(after.every((m) => !m.unread)).toBe(true);
  });

  it('curl pop3:// (STLS required) and pop3s:// list and retrieve the same bytes', async () => {
    const curl = (...args: string[]) =>
      promisify(execFile)('curl', ['-sS', '-k', '-u', `${ALICE}:alice-password`, ...args], {
        encoding: 'buffer',
        maxBuffer: 64 * 1024 * 1024,
      }).then((r) => r.stdout);
    const listed = await inbox();
    const listing = (await curl('--ssl-reqd', `pop3://127.0.0.1:${server.pop3Port}/`)).toString();
    expect(listing).toBe(listed.map((m, i) => `${i + 1} ${m.size}\r\n`).join(''));
    for (const url of [`pop3://127.0.0.1:${server.pop3Port}/2`, `pop3s://127.0.0.1:${server.pop3sPort}/2`]) {
      const got = await curl('--ssl-reqd', url);
      expect(got).toEqual(Buffer.from(await jd.mail.raw(ALICE, listed[1]?.id ?? '')));
    }
    const uidl = (await curl(`pop3s://127.0.0.1:${server.pop3sPort}/`, '-X', 'UIDL')).toString();
    expect(uidl).toBe(listed.map((m, i) => `${i + 1} ${m.id}\r\n`).join(''));
  });

  it('AUTH PLAIN after STLS, with an initial response and after the "+ " challenge; POP3S too', async () => {
    const steps: PoplibStep[] = [['stls'], ['auth_plain', ALICE, 'alice-password'], ['stat'], ['quit']];
    const out = await poplib(server.pop3Port, steps);
    expect(resultOf<string>(out[2])).toMatch(/^\+OK alice@example\.com has \d+ messages/);
    const continued = await poplib(
      server.pop3sPort,
      [['auth_plain_continued', ALICE, 'alice-password'], ['noop'], ['quit']],
      'ssl',
    );
    expect(resultOf<string[]>(continued[1])).toEqual([
      '+ ',
      expect.stringMatching(/^\+OK alice@example\.com has/),
    ]);
    const wrong = await poplib(server.pop3sPort, [['auth_plain', ALICE, 'not-her-password']], 'ssl');
    expect(wrong[1]).toEqual({ ok: false, error: '-ERR [AUTH] Authentication failed' });
  });

  it('DELE then QUIT deletes through the store (quota follows); RSET undoes; no QUIT deletes nothing', async () => {
    await deliver(server, ALICE, 'Subject: to delete 1\r\n\r\nx\r\n');
    await deliver(server, ALICE, 'Subject: to delete 2\r\n\r\ny\r\n');
    const before = await inbox();
    const used = (await jd.users.get(ALICE)).usedBytes;
    const [n1, n2] = [before.length - 1, before.length];
    const [m1, m2] = [before.at(-2), before.at(-1)];
    // Marked, unmarked, marked again: only the last marks count, and only at QUIT.
    const out = await poplib(server.pop3Port, [
      ...signIn(),
      ['dele', n1],
      ['rset'],
      ['dele', n2],
      ['stat'],
      ['list', n2],
      ['retr', n2],
      ['quit'],
    ]);
    expect(resultOf(out[4])).toBe(`+OK Message ${n1} deleted`);
    expect(resultOf(out[5])).toBe(
      `+OK Maildrop has ${before.length} messages (${before.reduce((s, m) => s + m.size, 0)} octets)`,
    );
    expect(resultOf(out[6])).toBe(`+OK Message ${n2} deleted`);
    expect(resultOf(out[7])).toEqual([
      before.length - 1,
      before.reduce((s, m) => s + m.size, 0) - (m2?.size ?? 0),
    ]);
    expect(out[8]).toEqual({ ok: false, error: `-ERR Message ${n2} is deleted` });
    expect(out[9]).toEqual({ ok: false, error: `-ERR Message ${n2} is deleted` });
    expect(resultOf(out[10])).toBe(
      `+OK mail.test POP3 server signing off (${before.length - 1} messages left)`,
    );
    const after = await inbox();
    expect(after.map((m) => m.id)).toEqual(before.slice(0, -1).map((m) => m.id));
    expect((await jd.users.get(ALICE)).usedBytes).toBe(used - (m2?.size ?? 0));
    await expect(jd.mail.raw(ALICE, m2?.id ?? '')).rejects.toMatchObject({ status: 404 });

    // A session that ends without QUIT never enters the UPDATE state (RFC 1939 §6).
    const dropped = await poplib(server.pop3Port, [...signIn(), ['dele', n1], ['drop']]);
    expect(resultOf(dropped[4])).toBe(`+OK Message ${n1} deleted`);
    // Once the server has seen the connection go, its session is gone from the user's list.
    for (let i = 0; (await jd.sso.listSessions(ALICE)).some((x) => x.channel === 'pop3'); i++) {
      if (i > 100) throw new Error('the dropped POP3 session is still listed');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await inbox()).map((m) => m.id)).toContain(m1?.id);
  });

  it('leave on server: the maildrop is a snapshot; UIDLs stay the same across sessions and a restart', async () => {
    const first = new RawPop3Session(await RawPop3.connect(server.pop3sPort, { tls: true }));
    await first.signIn();
    const uidlBefore = await first.multi('UIDL');
    await deliver(server, ALICE, 'Subject: arrives during the session\r\n\r\nlate\r\n');
    // The session goes on with what it had at sign-in (RFC 1939 §6 maildrop lock semantics).
    expect(await first.multi('UIDL')).toEqual(uidlBefore);
    const second = await poplib(server.pop3Port, [...signIn(), ['uidl'], ['quit']]);
    const uidlSecond = resultOf<string[]>(second[4]);
    expect(uidlSecond.slice(0, -1)).toEqual(uidlBefore.lines);
    expect(uidlSecond).toHaveLength(uidlBefore.lines.length + 1);
    await first.quit();

    // A message moved out of INBOX and back keeps its UIDL (its store id), though its UID changes.
    const moving = (await inbox())[0];
    await jd.mail.move(ALICE, moving?.id ?? '', 'Junk');
    await jd.mail.move(ALICE, moving?.id ?? '', 'INBOX');
    const moved = await poplib(server.pop3Port, [...signIn(), ['uidl'], ['quit']]);
    expect(
      resultOf<string[]>(moved[4])
        .map((l) => l.split(' ')[1])
        .sort(),
    ).toEqual(uidlSecond.map((l) => l.split(' ')[1]).sort());

    const token = server.adminKey ?? '';
    await server.stop();
    server = await startServer({ dataDir: server.dataDir, databaseUrl: db.databaseUrl });
    jd = new JdMail({ baseUrl: server.baseUrl, token });
    const restarted = await poplib(server.pop3Port, [...signIn(), ['uidl'], ['quit']]);
    expect(resultOf(restarted[4])).toEqual(resultOf(moved[4]));
  });
});

/** A raw session signed in over POP3S, for a session held open across other clients' work. */
class RawPop3Session {
  constructor(readonly raw: RawPop3) {}

  async signIn(user = ALICE, password = 'alice-password'): Promise<void> {
    expect(await this.raw.line()).toMatch(/^\+OK /);
    expect(await this.raw.command(`USER ${user}`)).toMatch(/^\+OK/);
    expect(await this.raw.command(`PASS ${password}`)).toMatch(/^\+OK/);
  }

  async multi(command: string) {
    this.raw.write(`${command}\r\n`);
    return this.raw.multiLine();
  }

  async quit(): Promise<void> {
    expect(await this.raw.command('QUIT')).toMatch(/^\+OK/);
    await this.raw.closedByServer();
  }
}
