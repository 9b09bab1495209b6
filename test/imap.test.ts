import { JdMail } from '@jdmail/sdk';
import type { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from './harness/databases.js';
import { imapflow, imaplib, rawImap } from './harness/imap-clients.js';
import type { TestServer } from './harness/server.js';
import { startWithAliceAndBob } from './harness/smtp-users.js';

// IMAP end to end with real clients — imapflow and Python's imaplib — against the built server on
// both engines: logins on every transport, folders (a Chinese one included), flags, copy, move,
// expunge and append agree with the REST API; IDLE hears SMTP deliveries and API changes at once;
// two sessions see each other's changes in order; QRESYNC resynchronizes.
const databases = useDatabases();
const ALICE = 'alice@example.com';
const PASS = 'alice-password';

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

const message = (subject: string) =>
  `From: bob@example.org\r\nTo: ${ALICE}\r\nSubject: ${subject}\r\n\r\nHello.\r\n`;

describe.each(databases.engines)('IMAP on %s', (engine) => {
  let server: TestServer;
  let jd: JdMail;
  const clients: ImapFlow[] = [];
  const open = async (security: 'plain' | 'starttls' | 'tls' = 'starttls') => {
    const client = await imapflow(server, ALICE, PASS, security);
    clients.push(client);
    return client;
  };
  /** The API's view of a mailbox, oldest first (UID order). */
  const listed = async (mailbox: string) =>
    (await jd.mail.list(ALICE, { mailbox, limit: 200 }).toArray()).reverse();

  beforeAll(async () => {
    ({ server } = await startWithAliceAndBob(await databases.fresh(engine)));
    jd = new JdMail({ baseUrl: server.baseUrl, token: server.adminKey ?? '' });
  });
  afterAll(async () => {
    for (const c of clients) await c.logout().catch(() => undefined);
    await server?.destroy();
  });

  it('logs in over plaintext on loopback, STARTTLS and implicit TLS; LOGINDISABLED nowhere on loopback', async () => {
    for (const security of ['plain', 'starttls', 'tls'] as const) {
      const client = await open(security);
      expect(client.usable).toBe(true);
      expect(client.capabilities.has('IMAP4rev2')).toBe(true);
      expect(client.capabilities.has('IDLE')).toBe(true);
      await client.logout();
    }
    const raw = await rawImap(server);
    raw.write('a STARTTLS\r\n');
    expect(await raw.line()).toBe('a OK Begin TLS negotiation now');
    await raw.startTls();
    const caps = await raw.command('b', 'CAPABILITY');
    expect(caps.untagged[0]).not.toContain('STARTTLS');
    expect(caps.untagged[0]).toContain('AUTH=PLAIN');
    raw.close();
  });

  it('folders: a Chinese folder is modified UTF-7 on the wire and UTF-8 with UTF8=ACCEPT; create, rename, delete agree with the API', async () => {
    const client = await open();
    await client.mailboxCreate('项目/测试');
    expect((await jd.mail.mailboxes(ALICE)).map((m) => m.name)).toEqual(
      expect.arrayContaining(['项目', '项目/测试']),
    );
    const paths = (await client.list()).map((m) => m.path);
    expect(paths).toEqual(
      expect.arrayContaining(['INBOX', 'Sent', 'Drafts', 'Junk', 'Trash', '项目', '项目/测试']),
    );
    const specialUse = Object.fromEntries((await client.list()).map((m) => [m.path, m.specialUse]));
    expect(specialUse).toMatchObject({
      Sent: '\\Sent',
      Drafts: '\\Drafts',
      Junk: '\\Junk',
      Trash: '\\Trash',
    });

    const raw = await rawImap(server, { user: ALICE, pass: PASS });
    expect((await raw.command('a', 'LIST "" "&mHl27g-*"')).untagged).toEqual([
      '* LIST (\\HasChildren) "/" "&mHl27g-"',
      '* LIST (\\HasNoChildren) "/" "&mHl27g-/&bUuL1Q-"',
    ]);
    await raw.command('b', 'ENABLE UTF8=ACCEPT');
    expect((await raw.command('c', 'LIST "" "项目/*"')).untagged).toEqual([
      '* LIST (\\HasNoChildren) "/" "项目/测试"',
    ]);
    raw.close();

    await client.mailboxRename('项目/测试', '项目/完成');
    expect((await jd.mail.mailboxes(ALICE)).map((m) => m.name)).toContain('项目/完成');
    await client.mailboxDelete('项目/完成');
    await client.mailboxDelete('项目');
    expect((await jd.mail.mailboxes(ALICE)).map((m) => m.name)).not.toContain('项目');
    await client.logout();
  });

  it('append is byte-exact (GET …/raw), flags, copy, move and expunge agree with the API', async () => {
    const client = await open();
    const bytes = `From: alice@example.com\r\nSubject: =?UTF-8?B?5rWL6K+V?=\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n你好\r\n.leading dot\r\n`;
    const appended = await client.append('Drafts', Buffer.from(bytes), ['\\Draft', '$Label1']);
    expect(appended).toMatchObject({
      destination: 'Drafts',
      uid: expect.any(Number),
      uidValidity: expect.anything(),
    });
    const [draft] = await listed('Drafts');
    expect(draft).toMatchObject({ draft: true, keywords: ['$Label1'] });
    expect(Buffer.from(await jd.mail.raw(ALICE, draft?.id ?? '')).toString()).toBe(bytes);

    for (const subject of ['one', 'two', 'three']) await deliver(server, ALICE, message(subject));
    const lock = await client.getMailboxLock('INBOX');
    try {
      const inbox = await listed('INBOX');
      expect(inbox).toHaveLength(3);
      await client.messageFlagsAdd('1', ['\\Seen', '\\Flagged', '$Junk']);
      expect((await listed('INBOX'))[0]).toMatchObject({ unread: false, flagged: true, keywords: ['$Junk'] });
      await client.messageFlagsRemove('1', ['\\Flagged']);
      expect((await listed('INBOX'))[0]?.flagged).toBe(false);
      const copied = await client.messageCopy('1:2', 'Trash');
      expect(copied ? copied.uidMap?.size : 0).toBe(2);
      expect(await listed('Trash')).toHaveLength(2);
      const moved = await client.messageMove('3', 'Junk');
      expect([...((moved ? moved.uidMap?.keys() : undefined) ?? [])]).toEqual([3]);
      expect((await listed('Junk')).map((m) => m.id)).toEqual([inbox[2]?.id]); // a move keeps the id
      await client.messageDelete('2');
      expect((await listed('INBOX')).map((m) => m.id)).toEqual([inbox[0]?.id]);
      const status = await client.status('INBOX', { messages: true, unseen: true, uidNext: true });
      expect(status).toMatchObject({ messages: 1, unseen: 0 });
    } finally {
      lock.release();
    }
    await client.logout();
  });

  it('IDLE hears a message delivered over SMTP in under a second, and a flag change made through the API', async () => {
    const client = await open();
    await client.mailboxOpen('INBOX');
    const before = client.mailbox && typeof client.mailbox === 'object' ? client.mailbox.exists : 0;
    const exists = new Promise<number>((resolve) =>
      client.once('exists', (e: { count: number }) => resolve(e.count)),
    );
    await new Promise((r) => setTimeout(r, 500)); // imapflow enters IDLE on its own (autoIdleDelay)
    await deliver(server, ALICE, message('pushed'));
    expect(await exists).toBe(before + 1);

    // The latency, measured on the wire: from SMTP's 250 (the message is durable) to the EXISTS line.
    const raw = await rawImap(server, { user: ALICE, pass: PASS });
    await raw.command('s', 'SELECT INBOX');
    raw.write('i IDLE\r\n');
    expect(await raw.line()).toBe('+ idling');
    await deliver(server, ALICE, message('timed'));
    const delivered = Date.now();
    expect(await raw.line(5000)).toMatch(/^\* \d+ EXISTS$/);
    expect(Date.now() - delivered).toBeLessThan(1000);
    raw.close();
    const flags = new Promise<{ seq: number; flags: Set<string> }>((resolve) =>
      client.once('flags', resolve),
    );
    const pushed = (await listed('INBOX')).find((m) => m.subject === 'pushed');
    await jd.mail.setFlags(ALICE, pushed?.id ?? '', { flagged: true });
    const changed = await flags;
    expect(changed.seq).toBe(before + 1);
    expect([...changed.flags]).toContain('\\Flagged');
    await client.logout();
  });

  it('two sessions see each other’s changes in order; QRESYNC resynchronizes after changes', async () => {
    const a = await rawImap(server, { user: ALICE, pass: PASS });
    const b = await rawImap(server, { user: ALICE, pass: PASS });
    await a.command('e', 'ENABLE QRESYNC');
    await b.command('c', 'CREATE Shared');
    for (const s of ['s1', 's2', 's3']) {
      const answer = await b.command('ap', `APPEND Shared {${message(s).length}+}\r\n${message(s)}`);
      expect(answer.status).toMatch(/OK \[APPENDUID/);
    }
    const selected = await a.command('s', 'SELECT Shared');
    const validity = /UIDVALIDITY (\d+)/.exec(selected.untagged.join('\n'))?.[1];
    const modseq = /HIGHESTMODSEQ (\d+)/.exec(selected.untagged.join('\n'))?.[1];
    await b.command('s', 'SELECT Shared');
    await b.command('f', 'STORE 1 +FLAGS (\\Answered)');
    await b.command('d', 'STORE 2 +FLAGS (\\Deleted)');
    await b.command('x', 'EXPUNGE');
    await b.command('n', `APPEND Shared {${message('s4').length}+}\r\n${message('s4')}`);
    const noop = await a.command('n', 'NOOP');
    expect(noop.untagged).toEqual([
      '* VANISHED 2',
      '* 3 EXISTS',
      '* 2 RECENT', // UIDs 1 and 3, claimed by a's SELECT (b saw UID 4 first: its APPEND)
      expect.stringMatching(/^\* 1 FETCH \(UID 1 FLAGS \(\\Recent \\Answered\) MODSEQ \(\d+\)\)$/),
    ]);
    await a.command('u', 'UNSELECT');
    await b.command('f2', 'UID STORE 3 +FLAGS (\\Seen)');
    const resync = await a.command('q', `SELECT Shared (QRESYNC (${validity} ${modseq} 1:3))`);
    expect(resync.untagged).toContain('* VANISHED (EARLIER) 2');
    expect(resync.untagged.filter((l) => l.includes(' FETCH '))).toEqual([
      expect.stringMatching(/^\* 1 FETCH \(UID 1 FLAGS \(\\Answered\) MODSEQ/),
      expect.stringMatching(/^\* 2 FETCH \(UID 3 FLAGS \(\\Seen\) MODSEQ/),
      expect.stringMatching(/^\* 3 FETCH \(UID 4 FLAGS \(\) MODSEQ/),
    ]);
    a.close();
    b.close();
  });

  it('imaplib over STARTTLS and IMAPS: list, create a Chinese folder, append, store, copy, expunge, logout', async () => {
    const appendBytes = Buffer.from(message('from python')).toString('base64');
    for (const security of ['starttls', 'ssl'] as const) {
      const folder = `收件/${security}`;
      const out = await imaplib(
        security === 'ssl' ? server.imapsPort : server.imapPort,
        [
          ['login', ALICE, PASS],
          ['create', folder],
          ['list', '""', '"*"'],
          ['append', folder, '(\\Seen)', null, appendBytes],
          ['select', folder],
          ['store', '1', '+FLAGS', '(\\Flagged)'],
          ['copy', '1', 'Trash'],
          ['store', '1', '+FLAGS', '(\\Deleted)'],
          ['expunge'],
          ['status', folder, '(MESSAGES)'],
          ['logout'],
        ],
        security,
      );
      expect(out.map((o) => (o.ok ? o.typ : o.error))).toEqual([
        'OK',
        'OK',
        'OK',
        'OK',
        'OK',
        'OK',
        'OK',
        'OK',
        'OK',
        'OK',
        'OK',
        'BYE',
      ]);
      expect(out[0]?.ok && out[0].data).toContain('IMAP4REV2');
      const wire = security === 'ssl' ? '"&ZTZO9g-/ssl"' : '"&ZTZO9g-/starttls"';
      expect(out[3]?.ok && out[3].data.join('\n')).toContain(wire);
      expect(out[6]?.ok && out[6].data).toEqual(['1 (UID 1 FLAGS (\\Recent \\Seen \\Flagged))']);
      expect(out[9]?.ok && out[9].data).toEqual(['1']);
      expect(out[10]?.ok && out[10].data[0]).toContain('(MESSAGES 0)');
    }
  });
});
