import { JdMail, NotFoundError } from '@jdmail/sdk';
import iconv from 'iconv-lite';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from './harness/databases.js';
import { startServer, type TestServer } from './harness/server.js';

// Search end to end on both engines: mail delivered over SMTP (UTF-8 and GB18030, Chinese
// subjects and attachment names) is found through the REST list route's `q` and the SDK's
// `mail.search`, with filters and pages, and never by a caller of another domain.

const databases = useDatabases();
const ME = 'mei@search.test';

/** A GB18030 message as a Chinese client of the 2000s writes it: encoded-word subject, base64 body. */
function gb18030Message(subject: string, body: string): string {
  const words = `=?GB18030?B?${iconv.encode(subject, 'gb18030').toString('base64')}?=`;
  return [
    `From: =?GB18030?B?${iconv.encode('李四', 'gb18030').toString('base64')}?= <li.si@partner.test>`,
    `To: ${ME}`,
    `Subject: ${words}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=GB18030',
    'Content-Transfer-Encoding: base64',
    '',
    iconv.encode(body, 'gb18030').toString('base64'),
    '',
  ].join('\r\n');
}

describe.each(databases.engines)('search over REST and the SDK on %s', (engine) => {
  let server: TestServer;
  let jd: JdMail;
  let key: string;

  const rest = async (query: Record<string, string>, token = key, address = ME) => {
    const res = await fetch(
      `${server.baseUrl}/api/v1/users/${encodeURIComponent(address)}/messages?${new URLSearchParams(query)}`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    return {
      status: res.status,
      body: (await res.json()) as { items: Array<{ subject: string }>; nextCursor: string | null },
    };
  };
  const subjects = async (query: Record<string, string>) =>
    (await rest(query)).body.items.map((m) => m.subject);

  beforeAll(async () => {
    const db = await databases.fresh(engine);
    server = await startServer({ databaseUrl: db.databaseUrl });
    key = server.adminKey ?? '';
    jd = new JdMail({ baseUrl: server.baseUrl, token: key });
    await jd.domains.create('search.test');
    await jd.domains.create('other.test');
    await jd.users.create({ address: ME, password: 'search-password' });
    await jd.users.create({ address: 'olga@other.test', password: 'olga-password' });
    const t = nodemailer.createTransport({
      host: '127.0.0.1',
      port: server.smtpPort,
      secure: false,
      tls: { rejectUnauthorized: false },
    });
    await t.sendMail({
      from: '"王五" <wang.wu@partner.test>',
      to: ME,
      subject: '请开具发票',
      text: '请于本周五前开具增值税发票。Meeting notes attached.',
      attachments: [{ filename: '采购合同2024.pdf', content: Buffer.from('%PDF-1.4\n') }],
    });
    await t.sendMail({
      envelope: { from: 'li.si@partner.test', to: [ME] },
      raw: gb18030Message('季度會議', '下周一召开季度会议，讨论销售额。'),
    });
    await t.sendMail({
      from: 'bob@partner.test',
      to: ME,
      subject: 'Weekly report',
      text: 'Numbers for the week.',
    });
    t.close();
  });
  afterAll(() => server?.destroy());

  it('finds Chinese words of one and two characters and longer in UTF-8 and GB18030 mail, and attachment names', async () => {
    // Indexing runs after the delivery answered: searchable within about a second (generous bound here).
    await expect.poll(() => subjects({ q: 'partner' }), { timeout: 15_000, interval: 100 }).toHaveLength(3);
    expect(await subjects({ q: '发票' })).toEqual(['请开具发票']);
    expect(await subjects({ q: '会议' })).toEqual(['季度會議']);
    expect(await subjects({ q: '會議' })).toEqual(['季度會議']);
    expect(await subjects({ q: '税' })).toEqual(['请开具发票']);
    expect(await subjects({ q: '销售额' })).toEqual(['季度會議']);
    expect(await subjects({ q: '合同' })).toEqual(['请开具发票']);
    expect(await subjects({ q: 'filename:采购合同' })).toEqual(['请开具发票']);
    expect(await subjects({ q: 'from:李四' })).toEqual(['季度會議']);
    expect(await subjects({ q: 'MEETING 发票' })).toEqual(['请开具发票']);
    expect(await subjects({ q: 'subject:"weekly report"' })).toEqual(['Weekly report']);
    expect(await subjects({ q: '发票 weekly' })).toEqual([]);
  });

  it('searches through the SDK with filters', async () => {
    const all = await jd.mail.search(ME, 'partner').toArray();
    expect(all.map((m) => m.subject)).toEqual(['Weekly report', '季度會議', '请开具发票']);
    expect((await jd.mail.search(ME, '', { hasAttachment: true }).toArray()).map((m) => m.subject)).toEqual([
      '请开具发票',
    ]);
    const gb = all[1];
    await jd.mail.setFlags(ME, gb?.id ?? '', { flagged: true });
    expect((await jd.mail.search(ME, 'partner', { flagged: true }).toArray()).map((m) => m.subject)).toEqual([
      '季度會議',
    ]);
    expect(await jd.mail.search(ME, '会议', { mailbox: 'Sent' }).toArray()).toEqual([]);
    expect(await jd.mail.search(ME, 'partner', { before: '2000-01-01T00:00:00Z' }).toArray()).toEqual([]);
    await jd.mail.move(ME, gb?.id ?? '', 'Trash');
    expect((await jd.mail.search(ME, '会议').toArray()).map((m) => m.mailbox)).toEqual(['Trash']);
    await jd.mail.delete(ME, gb?.id ?? '');
    expect(await jd.mail.search(ME, '会议').toArray()).toEqual([]);
  });

  it('pages newest first with the cursor', async () => {
    const first = await rest({ q: 'partner', limit: '1' });
    expect(first.body.items.map((m) => m.subject)).toEqual(['Weekly report']);
    const second = await rest({ q: 'partner', limit: '1', cursor: first.body.nextCursor ?? '' });
    expect(second.body.items.map((m) => m.subject)).toEqual(['请开具发票']);
    expect(second.body.nextCursor).toBeNull();
  });

  it('answers 404 for another domain’s mailbox, 400 for a bad cursor and 422 for a bad query', async () => {
    const other = (
      await jd.apiKeys.create({ name: 'other reader', scopes: ['mail:read'], domain: 'other.test' })
    ).key;
    expect((await rest({ q: '发票' }, other)).status).toBe(404);
    await expect(
      new JdMail({ baseUrl: server.baseUrl, token: other }).mail.search(ME, '发票').toArray(),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect((await rest({ q: '发票' }, other, 'olga@other.test')).body.items).toEqual([]);
    expect((await rest({ q: 'x', cursor: 'bm9wZQ' })).status).toBe(400);
    expect((await rest({ q: 'x'.repeat(501) })).status).toBe(422);
    expect((await rest({ q: 'x', since: 'yesterday' })).status).toBe(422);
    expect((await rest({ q: Array.from({ length: 17 }, (_, i) => `w${i}`).join(' ') })).status).toBe(422);
    expect((await rest({ q: 'x', mailbox: 'Nope' })).status).toBe(404);
  });
});
