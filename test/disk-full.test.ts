import { execFile } from 'node:child_process';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { JdMail, type MessageSummary } from '@jdmail/sdk';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './harness/server.js';
import { tempDirs } from './harness/tmp.js';

// A full disk, for real: the data directory is a small tmpfs (the tests run as
// root, as `.ci/run` does), filled by SMTP deliveries until the file system
// says ENOSPC and SQLite says SQLITE_FULL. The server must refuse what it
// cannot store with a temporary error, keep what it acknowledged, go on
// serving, and take mail again as soon as there is room.

const run = promisify(execFile);
const dirs = tempDirs();
const RCPT = 'full@disk.test';
/** Small enough to fill in a few seconds, large enough for the database, its log and TLS files. */
const DISK_MB = 12;

async function listAll(jd: JdMail): Promise<MessageSummary[]> {
  const all: MessageSummary[] = [];
  for await (const m of jd.mail.list(RCPT, { limit: 100 })) all.push(m);
  return all;
}

/** A message of about `kb` KiB of text, its subject naming it. */
const message = (subject: string, kb: number) => ({
  from: 'filler@sender.test',
  to: RCPT,
  subject,
  text: `${subject}: ${'0123456789abcdef'.repeat(64)}\n`.repeat(kb),
});

describe('a full disk under the data directory (SQLite)', () => {
  let mountPoint = '';
  let server: TestServer;
  let jd: JdMail;
  let adminKey = '';
  const acked: string[] = [];
  const refusals: { code?: number; response?: string }[] = [];

  beforeAll(async () => {
    mountPoint = await dirs.make('jdmail-full-');
    await run('mount', ['-t', 'tmpfs', '-o', `size=${DISK_MB}m,mode=0700`, 'tmpfs', mountPoint]);
    server = await startServer({ dataDir: mountPoint });
    // A fresh data dir prints the admin key once, right after it is ready.
    for (let i = 0; !server.adminKey && i < 100; i++) await new Promise((r) => setTimeout(r, 50));
    adminKey = server.adminKey ?? '';
    jd = new JdMail({ baseUrl: server.baseUrl, token: adminKey });
    await jd.domains.create('disk.test');
    await jd.users.create({ address: RCPT, password: 'disk-full-password' });

    // Bodies in the database (100 KiB) and in files (300 KiB), until three in a row are refused.
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: server.smtpPort,
      ignoreTLS: true,
    });
    for (let n = 0; n < 400 && refusals.length < 3; n++) {
      const subject = `fill ${n}`;
      try {
        await transport.sendMail(message(subject, n % 4 === 3 ? 300 : 100));
        acked.push(subject);
        refusals.length = 0;
      } catch (err) {
        refusals.push(err as { code?: number; response?: string });
      }
    }
    transport.close();
  }, 120_000);

  afterAll(async () => {
    await server?.destroy();
    if (mountPoint) await run('umount', [mountPoint]).catch(() => undefined);
    await dirs.removeAll();
  });

  it('refuses what it cannot store with 452 4.3.1, a temporary error', () => {
    expect(acked.length).toBeGreaterThan(10);
    expect(refusals).toHaveLength(3);
    for (const r of refusals) {
      expect(r.response).toMatch(/^452 4\.3\.1 /);
    }
  });

  it('with not a byte left, serves reads and answers 507 and 452 where it must write', async () => {
    // What the deliveries left, a few KiB here and there, taken by a file of the operator's.
    const filler = await open(join(mountPoint, 'filler'), 'w');
    try {
      for (const chunk = Buffer.alloc(4096, 1); ; ) await filler.write(chunk);
    } catch (err) {
      expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
    } finally {
      await filler.close();
    }
    expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
    expect((await jd.mail.unreadCount(RCPT)).total).toBe(acked.length);
    // A body too large for the database goes to a file, which cannot be written now.
    await expect(
      jd.mail.send(RCPT, { to: [RCPT], subject: 'from the API', text: 'x'.repeat(300 * 1024) }),
    ).rejects.toMatchObject({ status: 507, code: 'STORAGE_FULL' });
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: server.smtpPort,
      ignoreTLS: true,
    });
    // Small messages may still fit in the space SQLite's log reuses; a body for a file cannot.
    await expect(transport.sendMail(message('large', 300))).rejects.toMatchObject({
      responseCode: 452,
      response: expect.stringMatching(/^452 4\.3\.1 /),
    });
    transport.close();
  });

  it('signs in to the webmail and reads mail with not a byte left (a session kept in memory)', async () => {
    const login = await fetch(`${server.baseUrl}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ address: RCPT, password: 'disk-full-password' }),
    });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string;
    expect(cookie).toMatch(/^jdmail_session=/);
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const asUser = (path: string, init: RequestInit = {}) =>
      fetch(`${server.baseUrl}${path}`, { ...init, headers: { cookie, ...init.headers } });
    expect((await asUser('/auth/session')).status).toBe(200);
    const list = await asUser(`/api/v1/users/${RCPT}/messages?limit=5`);
    expect(list.status).toBe(200);
    const { items } = (await list.json()) as { items: MessageSummary[] };
    expect(items).toHaveLength(5);
    const one = await asUser(`/api/v1/users/${RCPT}/messages/${items[0]?.id}`);
    expect(one.status).toBe(200);
    expect(((await one.json()) as { text: string }).text).toContain('0123456789abcdef');
    // Marking it read is a write: refused as such, and the webmail still shows the message.
    const mark = await asUser(`/api/v1/users/${RCPT}/messages/${items[0]?.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken },
      body: JSON.stringify({ unread: false }),
    });
    expect(mark.status).toBe(507);
    expect(server.output.join('\n')).toMatch(/session kept in memory on this node: the disk is full/);
  });

  it('has every acknowledged message, whole, with exact counters', async () => {
    const listed = await listAll(jd);
    expect(listed.map((m) => m.subject).sort()).toEqual([...acked].sort());
    expect((await jd.users.get(RCPT)).usedBytes).toBe(listed.reduce((s, m) => s + m.size, 0));
    const mailbox = (await jd.mail.mailboxes(RCPT)).find((b) => b.name === 'INBOX');
    expect(mailbox).toMatchObject({ total: listed.length, unread: listed.length });
    const last = listed[0] as MessageSummary;
    expect((await jd.mail.raw(RCPT, last.id)).byteLength).toBe(last.size);
  });

  it('takes mail again once there is room, and keeps it across a restart', async () => {
    await run('mount', ['-o', `remount,size=${DISK_MB * 4}m`, mountPoint]);
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: server.smtpPort,
      ignoreTLS: true,
    });
    await transport.sendMail(message('after room was made', 100));
    await transport.sendMail(message('a large one after room was made', 300));
    transport.close();
    await server.stop();
    server = await startServer({ dataDir: mountPoint });
    jd = new JdMail({ baseUrl: server.baseUrl, token: adminKey });
    const subjects = (await listAll(jd)).map((m) => m.subject);
    expect(subjects).toHaveLength(acked.length + 2);
    expect(subjects).toEqual(
      expect.arrayContaining(['after room was made', 'a large one after room was made']),
    );
    expect(await jd.mail.unreadCount(RCPT)).toEqual({ unread: acked.length + 2, total: acked.length + 2 });
  });
});
