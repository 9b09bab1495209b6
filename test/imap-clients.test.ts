import { join } from 'node:path';
import { JdMail } from '@jdmail/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from './harness/databases.js';
import { setupGetmail } from './harness/getmail.js';
import { ImapWire, literal, quote } from './harness/imap-wire.js';
import { setupMbsync } from './harness/mbsync.js';
import { encodeMutf7 } from './harness/mutf7.js';
import { poplibSession } from './harness/pyclients.js';
import type { TestServer } from './harness/server.js';
import { startWithAliceAndBob } from './harness/smtp-users.js';
import { tempDirs } from './harness/tmp.js';

// Real mail clients nobody here wrote — mbsync (isync) and getmail6 — against the built server on
// both engines, as test/dovecot-clients.test.ts runs them against Dovecot: what they did is
// checked on the server through the REST API. (Python's poplib against jdmail: test/pop3.test.ts;
// imaplib and imapflow: test/imap.test.ts.)
const databases = useDatabases();
const PASSWORD = 'client-password';
const USERS = ['mbsync', 'getmail', 'getmail-imap'].map((n) => `${n}@example.com`);

const message = (subject: string, body: string, id: string) =>
  Buffer.from(
    [
      'From: =?UTF-8?B?5p2O5aic?= <li.na@example.org>',
      'To: user@example.com',
      `Subject: ${subject}`,
      'Date: Mon, 05 Jan 2026 08:00:00 +0800',
      `Message-ID: <${id}@example.org>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      body,
      '',
    ].join('\r\n'),
  );

/** A message as a Maildir client stores it: LF line ends. */
const lf = (raw: Uint8Array) => Buffer.from(raw).toString().replaceAll('\r\n', '\n');

/** A local copy without the header lines the client adds (mbsync's `X-TUID`, getmail's `Return-Path` …). */
const withoutAdded = (local: Buffer, names: string[]) =>
  local.toString().replace(new RegExp(`^(?:${names.join('|')}): [^\r\n]*\r?\n`, 'gim'), '');

const GETMAIL_HEADERS = ['Return-Path', 'X-getmail-retrieved-from-mailbox'];

describe.each(databases.engines)('real mail clients against jdmail on %s', (engine) => {
  const dirs = tempDirs();
  let server: TestServer;
  let jd: JdMail;
  /** The API's view of a mailbox, oldest first. */
  const listed = async (user: string, mailbox: string) =>
    (await jd.mail.list(user, { mailbox, limit: 200 }).toArray()).reverse();

  /** APPENDs over IMAP (plaintext LOGIN on loopback), with flags: how a test puts mail in any folder. */
  const append = async (user: string, mailbox: string, raw: Buffer, flags: string[] = []) => {
    const wire = await ImapWire.connect({ port: server.imapPort });
    try {
      expect((await wire.login(user, PASSWORD)).status).toBe('OK');
      const r = await wire.command([
        `APPEND ${quote(encodeMutf7(mailbox))} (${flags.join(' ')}) `,
        literal(raw),
      ]);
      expect(r.status).toBe('OK');
    } finally {
      await wire.logout();
    }
  };

  beforeAll(async () => {
    // The self-signed certificate names `localhost`, so mbsync and getmail can check it.
    ({ server } = await startWithAliceAndBob(await databases.fresh(engine), {
      JDMAIL_HOSTNAME: 'localhost',
    }));
    jd = new JdMail({ baseUrl: server.baseUrl, token: server.adminKey ?? '' });
    for (const address of USERS) await jd.users.create({ address, password: PASSWORD });
  });
  afterAll(async () => {
    await server?.destroy();
    await dirs.removeAll();
  });
  const caFile = () => join(server.dataDir, 'tls', 'self-signed.crt');

  it('mbsync over STARTTLS: every folder (项目 included) to a Maildir, local changes back, server changes down', async () => {
    const user = 'mbsync@example.com';
    await jd.mail.createMailbox(user, '项目');
    await jd.mail.createMailbox(user, 'Work/Reports');
    await append(user, 'INBOX', message('inbox one', 'a', 'mb-1'));
    await append(user, 'INBOX', message('inbox two', 'b', 'mb-2'), ['\\Seen']);
    await append(user, '项目', message('=?UTF-8?B?6aG555uu?=', '项目进展', 'mb-3'), ['\\Flagged']);
    await append(user, 'Work/Reports', message('report', 'c', 'mb-4'));
    const mb = await setupMbsync({
      port: server.imapPort,
      user,
      password: PASSWORD,
      tls: 'starttls',
      caFile: caFile(),
      dir: await dirs.make(),
    });
    await mb.sync();
    // `Work` is a real folder here (no \Noselect placeholders), so mbsync makes it a Maildir too.
    expect(await mb.folders()).toEqual([
      'Drafts',
      'INBOX',
      'Junk',
      'Sent',
      'Trash',
      'Work',
      'Work/Reports',
      '项目',
    ]);
    const inbox = await mb.messages('INBOX');
    expect(inbox.map((m) => m.flags).sort()).toEqual(['', 'S']);
    const project = await mb.messages('项目');
    expect(project).toHaveLength(1);
    expect(project[0]?.flags).toBe('F');
    const [projectOnServer] = await listed(user, '项目');
    // A Maildir keeps lines with LF endings: the same message, CRLF made LF.
    expect(withoutAdded(project[0]?.data ?? Buffer.alloc(0), ['X-TUID'])).toBe(
      lf(await jd.mail.raw(user, projectOnServer?.id ?? '')),
    );

    // Back: a new folder with a message, a new INBOX message, flags, a deletion.
    await mb.createFolder('归档');
    const archived = message('archived', '旧邮件', 'mb-5');
    await mb.addMessage('归档', archived, 'S');
    await mb.addMessage('INBOX', message('written offline', 'd', 'mb-6'));
    const unseen = inbox.find((m) => m.flags === '');
    if (!unseen) throw new Error('no unseen message synced');
    await mb.setFlags(unseen, 'FS');
    const [report] = await mb.messages('Work/Reports');
    if (!report) throw new Error('no report synced');
    await mb.remove(report);
    await mb.sync();

    const boxes = Object.fromEntries((await jd.mail.mailboxes(user)).map((b) => [b.name, b.total]));
    expect(boxes).toMatchObject({ 归档: 1, 'Work/Reports': 0, 项目: 1, INBOX: 3 });
    const [onServer] = await listed(user, '归档');
    expect(onServer).toMatchObject({ unread: false, subject: 'archived' });
    // mbsync sends the local LF file with CRLF line ends, as IMAP requires (RFC 9051 §2.2).
    // (with the X-TUID header mbsync adds to track what it uploaded).
    const uploaded = Buffer.from(await jd.mail.raw(user, onServer?.id ?? ''));
    expect(uploaded.toString()).toMatch(/\r\nX-TUID: \S+\r\n\r\n/);
    expect(withoutAdded(uploaded, ['X-TUID'])).toBe(archived.toString());
    const bySubject = Object.fromEntries(
      (await listed(user, 'INBOX')).map((m) => [m.subject, { unread: m.unread, flagged: m.flagged }]),
    );
    expect(bySubject).toEqual({
      'inbox one': { unread: false, flagged: true },
      'inbox two': { unread: false, flagged: false },
      'written offline': { unread: true, flagged: false },
    });

    // Down again: a flag set and a message moved through the API reach the Maildir; nothing doubles.
    const offline = (await listed(user, 'INBOX')).find((m) => m.subject === 'written offline');
    await jd.mail.setFlags(user, offline?.id ?? '', { flagged: true });
    const two = (await listed(user, 'INBOX')).find((m) => m.subject === 'inbox two');
    await jd.mail.move(user, two?.id ?? '', 'Trash');
    await mb.sync();
    const local = await mb.messages('INBOX');
    expect(local).toHaveLength(2);
    expect(local.find((m) => m.data.includes('<mb-6@'))?.flags).toBe('F');
    expect((await mb.messages('Trash')).map((m) => m.data.includes('<mb-2@'))).toEqual([true]);
    await mb.sync();
    expect(await mb.messages('INBOX')).toHaveLength(2);
    expect(Object.fromEntries((await jd.mail.mailboxes(user)).map((b) => [b.name, b.total]))).toMatchObject({
      INBOX: 2,
      Trash: 1,
      归档: 1,
    });
  });

  it('getmail6 over POP3S: leave on server fetches each message once (by UIDL), then delete empties it', async () => {
    const user = 'getmail@example.com';
    await append(user, 'INBOX', message('g1', 'one', 'gm-1'));
    await append(user, 'INBOX', message('g2', '二', 'gm-2'));
    const gm = await setupGetmail({
      port: server.pop3sPort,
      ssl: true,
      caFile: caFile(),
      protocol: 'pop3',
      user,
      password: PASSWORD,
      dir: await dirs.make(),
    });
    expect(await gm.run()).toMatchObject({ retrieved: 2, skipped: 0 });
    expect(await gm.run()).toMatchObject({ retrieved: 0, skipped: 2 });
    await append(user, 'INBOX', message('g3', 'three', 'gm-3'));
    expect(await gm.run()).toMatchObject({ retrieved: 1, skipped: 2 });
    const got = await gm.messages();
    const stored = await listed(user, 'INBOX');
    expect(stored).toHaveLength(3);
    // Each local file is the stored message, lines LF-ended as a Maildir keeps them.
    for (const m of stored) {
      const raw = lf(await jd.mail.raw(user, m.id));
      expect(got.filter((g) => withoutAdded(g, GETMAIL_HEADERS) === raw)).toHaveLength(1);
    }
    expect(await gm.run({ readAll: true, delete: true })).toMatchObject({ retrieved: 3 });
    expect(await listed(user, 'INBOX')).toEqual([]);
    const left = await poplibSession({ port: server.pop3Port }, [
      { call: 'user', args: [user] },
      { call: 'pass_', args: [PASSWORD] },
      { call: 'stat' },
      { call: 'quit' },
    ]);
    expect(left.results[2]?.data).toEqual([0, 0]);
  });

  it('getmail6 over IMAP (plaintext on loopback) from a Chinese-named folder, each message once', async () => {
    const user = 'getmail-imap@example.com';
    await jd.mail.createMailbox(user, '项目/二〇二六');
    const first = message('p1', '项目一', 'gi-1');
    await append(user, '项目/二〇二六', first);
    const gm = await setupGetmail({
      host: '127.0.0.1',
      port: server.imapPort,
      protocol: 'imap',
      user,
      password: PASSWORD,
      mailboxes: ['项目/二〇二六'],
      dir: await dirs.make(),
    });
    expect(await gm.run()).toMatchObject({ retrieved: 1, skipped: 0 });
    // getmail names the folder it fetched from in a header of its own: 项目/二〇二六, UTF-8 in base64.
    const [local] = await gm.messages();
    expect(local?.toString()).toContain(
      `X-getmail-retrieved-from-mailbox: =?utf-8?b?${Buffer.from('项目/二〇二六').toString('base64')}?=`,
    );
    expect(withoutAdded(local ?? Buffer.alloc(0), GETMAIL_HEADERS)).toBe(lf(first));
    await append(user, '项目/二〇二六', message('p2', '项目二', 'gi-2'));
    expect(await gm.run()).toMatchObject({ retrieved: 1, skipped: 1 });
    expect((await gm.messages()).map((m) => /<(gi-\d)@/.exec(m.toString())?.[1]).sort()).toEqual([
      'gi-1',
      'gi-2',
    ]);
    // Left on the server, and still unread: getmail fetches with BODY.PEEK[] (its `use_peek`).
    expect((await listed(user, '项目/二〇二六')).map((m) => m.unread)).toEqual([true, true]);
  });
});
