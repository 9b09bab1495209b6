import { JdMail, NotFoundError, ValidationError } from '@jdmail/sdk';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, useDatabases } from './harness/databases.js';
import { runCli, startServer, type TestServer } from './harness/server.js';
import { submissionTransport } from './harness/smtp-users.js';
import { smtplib } from './harness/smtplib.js';

// The foundation's promise end to end, on both metadata engines: mail from
// real clients arrives over SMTP, an OA system sees it through the SDK,
// marks it read, counts it — and all of it survives a restart.

const databases = useDatabases();

describe.each(databases.engines)('mail flow on %s', (engine) => {
  let db: TestDatabase;
  let server: TestServer;
  let jd: JdMail;
  let adminKey: string;

  beforeAll(async () => {
    db = await databases.fresh(engine);
    server = await startServer({ databaseUrl: db.databaseUrl });
    adminKey = server.adminKey ?? '';
    jd = new JdMail({ baseUrl: server.baseUrl, token: adminKey });
    await jd.domains.create('example.com');
    await jd.domains.create('other.org');
    await jd.users.create({ address: 'alice@example.com', password: 'alice-password', displayName: 'Alice' });
    await jd.users.create({ address: 'bob@example.com', password: 'bob-password', displayName: 'Bob' });
    await jd.users.create({ address: 'olga@other.org', password: 'olga-password' });
  });
  afterAll(() => server?.destroy());

  it('delivers mail from nodemailer and smtplib; the SDK lists it unread, marks it read and counts it', async () => {
    const t = nodemailer.createTransport({
      host: '127.0.0.1',
      port: server.smtpPort,
      secure: false,
      tls: { rejectUnauthorized: false },
    });
    await t.sendMail({
      from: '"Zhang San" <zhang@partner.test>',
      to: 'alice@example.com',
      subject: 'Quarterly report',
      text: 'Please find the report attached.',
      html: '<p>Please find the <b>report</b> attached.</p><img src="https://tracker.test/pixel.png">',
      attachments: [{ filename: 'report.csv', content: 'a,b\n1,2\n' }],
    });
    t.close();
    expect(
      await smtplib(server.smtpPort, 'py@partner.test', 'alice@example.com', 'Hello from Python'),
    ).toEqual({
      ok: true,
      refused: {},
    });

    expect(await jd.mail.unreadCount('alice@example.com')).toEqual({ unread: 2, total: 2 });
    const page = await jd.mail.listUnread('alice@example.com', { limit: 10 });
    expect(page.items.map((m) => m.subject)).toEqual(['Hello from Python', 'Quarterly report']);
    const report = page.items[1];
    expect(report).toMatchObject({
      mailbox: 'INBOX',
      unread: true,
      flagged: false,
      hasAttachments: true,
      from: { name: 'Zhang San', address: 'zhang@partner.test' },
    });
    expect(report?.preview).toBe('Please find the report attached.');

    const detail = await jd.mail.get('alice@example.com', report?.id ?? '');
    expect(detail.attachments).toMatchObject([{ filename: 'report.csv', size: 8 }]);
    expect(detail.html).toContain('<b>report</b>');
    expect(detail.headers.find((h) => h.name === 'Received')?.value).toMatch(
      /by mail\.test \(jdmail\) with ESMTPS id/,
    );
    const raw = new TextDecoder().decode(await jd.mail.raw('alice@example.com', report?.id ?? ''));
    expect(raw).toMatch(/^Received: from /);
    expect(raw).toContain('Subject: Quarterly report');

    await jd.mail.markRead('alice@example.com', report?.id ?? '');
    expect(await jd.mail.unreadCount('alice@example.com')).toEqual({ unread: 1, total: 2 });
    expect((await jd.mail.listUnread('alice@example.com')).items.map((m) => m.subject)).toEqual([
      'Hello from Python',
    ]);
    expect(await jd.mail.unreadCounts(['ALICE@example.com', 'bob@example.com', 'ghost@example.com'])).toEqual(
      { 'alice@example.com': 1, 'bob@example.com': 0 },
    );
    const boxes = await jd.mail.mailboxes('alice@example.com');
    expect(boxes.find((b) => b.name === 'INBOX')).toMatchObject({ total: 2, unread: 1 });
  });

  it('submission over STARTTLS files a copy in Sent; API send does the same', async () => {
    const t = submissionTransport(server, 'bob@example.com', 'bob-password');
    await t.sendMail({
      from: 'bob@example.com',
      to: 'alice@example.com',
      subject: 'Lunch on Friday?',
      text: 'Noodles?',
    });
    t.close();
    const sentByApi = await jd.mail.send('alice@example.com', {
      to: ['bob@example.com'],
      subject: 'Re: Lunch on Friday?',
      text: 'Yes!',
    });
    expect(sentByApi.messageId).toMatch(/^<.+@mail\.test>$/);
    const bobSent = await jd.mail.list('bob@example.com', { mailbox: 'Sent' });
    expect(bobSent.items.map((m) => [m.subject, m.unread])).toEqual([['Lunch on Friday?', false]]);
    const bobInbox = await jd.mail.listUnread('bob@example.com');
    expect(bobInbox.items.map((m) => m.subject)).toEqual(['Re: Lunch on Friday?']);
    const aliceSent = await jd.mail.list('alice@example.com', { mailbox: 'Sent' });
    expect(aliceSent.items[0]?.id).toBe(sentByApi.id);
    // The MSA added Message-ID and Date the client left out? nodemailer sets both; check the stored copy has exactly one.
    const raw = new TextDecoder().decode(await jd.mail.raw('bob@example.com', bobSent.items[0]?.id ?? ''));
    expect(raw.match(/^Message-ID:/gim)).toHaveLength(1);
    expect(raw).toMatch(/with ESMTPSA id/);
  });

  it('refuses bad API input cleanly and keeps serving', async () => {
    const bad = await fetch(`${server.baseUrl}/api/v1/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: '{"address": "x@example.com", ',
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await bad.json()).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
    const invalid = await jd.users.create({ address: 'not-an-address' }).catch((e) => e);
    expect(invalid).toBeInstanceOf(ValidationError);
    expect(invalid.code).toBe('VALIDATION_FAILED');
    await expect(
      jd.mail.send('alice@example.com', { to: ['nobody@example.com'], subject: 's', text: 't' }),
    ).rejects.toMatchObject({ code: 'RECIPIENT_UNKNOWN', status: 422 });
    expect((await jd.mail.unreadCount('bob@example.com')).unread).toBe(1);
  });

  it('API send: blind copies stay blind, the Sent copy keeps them, attachments and threads arrive', async () => {
    for (const name of ['carol', 'dave', 'erin']) {
      await jd.users.create({
        address: `${name}@example.com`,
        password: `${name}-password`,
        displayName: name,
      });
    }
    const pdf = Buffer.from('%PDF-1.4\n% test invoice\n', 'latin1');
    const original = await jd.mail.send('dave@example.com', {
      to: ['carol@example.com'],
      subject: 'Invoice?',
      text: '?',
    });
    const sent = await jd.mail.send('carol@example.com', {
      to: [{ name: 'Dave', address: 'dave@example.com' }],
      bcc: ['erin@example.com'],
      replyTo: ['billing@example.com'],
      inReplyTo: original.messageId,
      subject: 'Re: Invoice?',
      text: 'Attached.',
      attachments: [{ filename: '发票 2026-11.pdf', content: pdf.toString('base64') }],
    });
    const rawOf = async (address: string, id: string) =>
      new TextDecoder().decode(await jd.mail.raw(address, id));

    // Dave and Erin each got it; neither copy names Erin.
    for (const address of ['dave@example.com', 'erin@example.com']) {
      const [item] = (await jd.mail.listUnread(address)).items.filter((m) => m.subject === 'Re: Invoice?');
      expect(item).toMatchObject({ hasAttachments: true, messageId: sent.messageId });
      const raw = await rawOf(address, item?.id ?? '');
      expect(raw).not.toMatch(/^Bcc:/im);
      expect(raw).not.toContain('erin@');
      expect(raw).toMatch(/^Reply-To: billing@example\.com\r$/m);
      expect(raw).toContain(`In-Reply-To: ${original.messageId}`);
      const detail = await jd.mail.get(address, item?.id ?? '');
      expect(detail.attachments).toMatchObject([
        { filename: '发票 2026-11.pdf', contentType: 'application/pdf', size: pdf.length },
      ]);
    }
    // Carol's Sent copy is the one the API returned, and it shows whom she blind-copied.
    const carolSent = await jd.mail.list('carol@example.com', { mailbox: 'Sent' });
    expect(carolSent.items.map((m) => m.id)).toEqual([sent.id]);
    expect(await rawOf('carol@example.com', sent.id)).toMatch(/^Bcc: erin@example\.com\r$/m);
    expect(await jd.mail.unreadCount('carol@example.com')).toEqual({ unread: 1, total: 1 });

    // Blind copies only: "undisclosed recipients", delivered once to each.
    await jd.mail.send('carol@example.com', {
      bcc: ['dave@example.com', 'DAVE@example.com'],
      subject: 'Only bcc',
    });
    const onlyBcc = (await jd.mail.listUnread('dave@example.com')).items.filter(
      (m) => m.subject === 'Only bcc',
    );
    expect(onlyBcc).toHaveLength(1);
    expect(await rawOf('dave@example.com', onlyBcc[0]?.id ?? '')).toMatch(
      /^To: "?undisclosed-recipients"?:;\r$/m,
    );

    // An unknown blind copy refuses the whole send and names the field; nothing is delivered or filed.
    const before = await jd.mail.unreadCount('dave@example.com');
    await expect(
      jd.mail.send('carol@example.com', {
        to: ['dave@example.com'],
        bcc: ['nobody@example.com'],
        subject: 'x',
      }),
    ).rejects.toMatchObject({ status: 422, code: 'RECIPIENT_UNKNOWN', errors: [{ field: 'bcc[0]' }] });
    await expect(jd.mail.send('carol@example.com', { subject: 'to nobody' })).rejects.toMatchObject({
      status: 422,
      code: 'VALIDATION_FAILED',
    });
    expect(await jd.mail.unreadCount('dave@example.com')).toEqual(before);
    expect((await jd.mail.list('carol@example.com', { mailbox: 'Sent' })).items).toHaveLength(2);
  });

  it('API send with an Idempotency-Key sends once, however often it is repeated', async () => {
    const post = (key: string, body: object) =>
      fetch(`${server.baseUrl}/api/v1/users/carol@example.com/send`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${adminKey}`,
          'content-type': 'application/json',
          'idempotency-key': key,
        },
        body: JSON.stringify(body),
      });
    const notice = { to: ['dave@example.com'], subject: 'Leave approved', text: 'Enjoy.' };
    const count = async () =>
      (await jd.mail.list('dave@example.com', { limit: 200 })).items.filter(
        (m) => m.subject === notice.subject,
      ).length;

    const first = await post('leave-42-approved', notice);
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const again = await post('leave-42-approved', notice);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(await first.json());
    expect(await count()).toBe(1);

    // The key with another request is refused; a send that failed leaves its key free.
    const reused = await post('leave-42-approved', { ...notice, subject: 'Leave declined' });
    const codeOf = async (res: Response) => ((await res.json()) as { code: string }).code;
    expect([reused.status, await codeOf(reused)]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    const failed = await post('leave-43', { ...notice, to: ['nobody@example.com'] });
    expect([failed.status, await codeOf(failed)]).toEqual([422, 'RECIPIENT_UNKNOWN']);
    expect((await post('leave-43', notice)).status).toBe(201);
    expect(await count()).toBe(2);
    const bad = await post('has spaces', notice);
    expect(bad.status).toBe(422);

    // The SDK sends a key with every send; a caller's own key makes a repeat a no-op.
    const viaSdk = { ...notice, subject: 'Payslip' };
    const once = await jd.mail.send('carol@example.com', viaSdk, { idempotencyKey: 'payslip-2026-11-dave' });
    const twice = await jd.mail.send('carol@example.com', viaSdk, { idempotencyKey: 'payslip-2026-11-dave' });
    expect(twice).toEqual(once);
    const payslips = (await jd.mail.list('dave@example.com', { limit: 200 })).items.filter(
      (m) => m.subject === 'Payslip',
    );
    expect(payslips).toHaveLength(1);
  });

  it('a domain-restricted key sees only its domain: 404 for the other', async () => {
    const res = await fetch(`${server.baseUrl}/api/v1/users/alice@example.com/unread-count`, {
      headers: { authorization: `Bearer ${adminKey}` },
    });
    expect(res.status).toBe(200);
    const key = (
      await runCli(
        [
          'apikey',
          'create',
          '--name',
          'other-portal',
          '--scopes',
          'mail:read,users:read',
          '--domain',
          'other.org',
        ],
        {
          JDMAIL_DATA_DIR: server.dataDir,
          ...(db.databaseUrl ? { JDMAIL_DATABASE_URL: db.databaseUrl } : {}),
        },
      )
    ).trim();
    const other = new JdMail({ baseUrl: server.baseUrl, token: key });
    expect(await other.mail.unreadCount('olga@other.org')).toEqual({ unread: 0, total: 0 });
    await expect(other.mail.listUnread('alice@example.com')).rejects.toBeInstanceOf(NotFoundError);
    await expect(other.users.get('alice@example.com')).rejects.toBeInstanceOf(NotFoundError);
    expect(await other.mail.unreadCounts(['alice@example.com', 'olga@other.org'])).toEqual({
      'olga@other.org': 0,
    });
    await expect(
      other.mail.send('olga@other.org', { to: ['olga@other.org'], subject: 'x', text: 'y' }),
    ).rejects.toMatchObject({ status: 403 });
  });

  it('never writes keys, passwords or message bodies to its log', async () => {
    const logLines = server.output.filter((l) => l.startsWith('{'));
    expect(logLines.length).toBeGreaterThan(5);
    const log = logLines.join('\n');
    for (const secret of [adminKey, 'alice-password', 'bob-password', 'Noodles?', 'Please find the report']) {
      expect(log).not.toContain(secret);
    }
  });

  it('keeps everything across a restart', async () => {
    const before = await jd.mail.list('alice@example.com', { limit: 50 });
    await server.stop();
    server = await startServer({ dataDir: server.dataDir, databaseUrl: db.databaseUrl });
    jd = new JdMail({ baseUrl: server.baseUrl, token: adminKey });
    const after = await jd.mail.list('alice@example.com', { limit: 50 });
    expect(after.items).toEqual(before.items);
    // Two from the first test (one read) and Bob's submitted one.
    expect(await jd.mail.unreadCount('alice@example.com')).toEqual({ unread: 2, total: 3 });
    const report = after.items.find((m) => m.subject === 'Quarterly report');
    const raw = new TextDecoder().decode(await jd.mail.raw('alice@example.com', report?.id ?? ''));
    expect(raw).toContain('Quarterly report');
    expect((await jd.users.get('bob@example.com')).displayName).toBe('Bob');
  });
});
