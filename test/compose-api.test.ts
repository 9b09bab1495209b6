import { JdMail } from '@jdmail/sdk';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './harness/server.js';

// Composing through the REST API and the SDK against a real server: streamed uploads (limit,
// ownership), sends with uploaded files, parts of stored messages and whole messages as
// message/rfc822, and drafts (save, read back, replace, send).

const ALICE = 'alice@compose.test';
const BOB = 'bob@compose.test';
const LIMIT = 512 * 1024;

describe('composing over the API', () => {
  let server: TestServer;
  let jd: JdMail;
  const bytes = (n: number, seed = 7) =>
    Uint8Array.from({ length: n }, (_, i) => (i * seed + (i >> 8)) & 0xff);
  const inbox = async (address: string) => (await jd.mail.list(address, { mailbox: 'INBOX' })).items;

  beforeAll(async () => {
    server = await startServer({ env: { JDMAIL_SMTP_MAX_MESSAGE_SIZE: String(LIMIT) } });
    jd = new JdMail({ baseUrl: server.baseUrl, token: server.adminKey ?? '' });
    await jd.domains.create('compose.test');
    await jd.users.create({ address: ALICE, password: 'alice-password', displayName: '爱丽丝' });
    await jd.users.create({ address: BOB, password: 'bob-password' });
  });
  afterAll(() => server?.destroy());

  it('sends an uploaded file with a Chinese name; the recipient downloads the same bytes', async () => {
    const file = bytes(200_000);
    const up = await jd.mail.upload(ALICE, file, { name: '季度报告.pdf', contentType: 'application/pdf' });
    expect(up).toMatchObject({ name: '季度报告.pdf', size: 200_000, contentType: 'application/pdf' });
    expect(Date.parse(up.expiresAt)).toBeGreaterThan(Date.now() + 23 * 3600_000);
    await jd.mail.send(ALICE, {
      to: [BOB],
      subject: '报告',
      text: '见附件',
      attachments: [{ uploadId: up.id }],
    });
    const [got] = await inbox(BOB);
    const detail = await jd.mail.get(BOB, got?.id ?? '');
    expect(detail.attachments).toMatchObject([{ filename: '季度报告.pdf', contentType: 'application/pdf' }]);
    const download = await jd.mail.attachment(BOB, detail.id, detail.attachments[0]?.id ?? '');
    expect(Buffer.from(download.content).equals(Buffer.from(file))).toBe(true);
    expect(download.filename).toBe('季度报告.pdf');
  });

  it('refuses a file over the message size limit with 413, by its length and while streaming', async () => {
    await expect(jd.mail.upload(ALICE, bytes(LIMIT + 1), { name: 'big.bin' })).rejects.toMatchObject({
      status: 413,
      code: 'MESSAGE_TOO_LARGE',
    });
    // No Content-Length (chunked): the server counts as it streams and refuses past the limit.
    let sent = 0;
    const chunked = await fetch(`${server.baseUrl}/api/v1/users/${ALICE}/uploads?name=big.bin`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/octet-stream' },
      body: new ReadableStream({
        pull(c) {
          sent += 64 * 1024;
          if (sent > 8 * LIMIT) c.close();
          else c.enqueue(bytes(64 * 1024));
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(((await chunked.json()) as { code: string }).code).toBe('MESSAGE_TOO_LARGE');
  });

  it('keeps each user’s uploads their own: another user’s id is 404 on send and delete', async () => {
    const up = await jd.mail.upload(ALICE, bytes(10), { name: 'a.txt', contentType: 'text/plain' });
    await expect(
      jd.mail.send(BOB, { to: [ALICE], subject: 'x', attachments: [{ uploadId: up.id }] }),
    ).rejects.toMatchObject({ status: 404, code: 'UPLOAD_NOT_FOUND' });
    await expect(jd.mail.deleteUpload(BOB, up.id)).rejects.toMatchObject({ status: 404 });
    await jd.mail.deleteUpload(ALICE, up.id);
    await expect(
      jd.mail.send(ALICE, { to: [BOB], subject: 'x', attachments: [{ uploadId: up.id }] }),
    ).rejects.toMatchObject({ status: 404, code: 'UPLOAD_NOT_FOUND' });
  });

  it('forwards an attachment of a stored message, and a whole message as message/rfc822', async () => {
    const file = bytes(5000, 13);
    await jd.mail.send(ALICE, {
      to: [BOB],
      subject: '原件',
      text: 'original',
      attachments: [{ filename: '数据.bin', content: file }],
    });
    const original = (await inbox(BOB)).find((m) => m.subject === '原件');
    const detail = await jd.mail.get(BOB, original?.id ?? '');
    await jd.mail.send(BOB, {
      to: [ALICE],
      subject: '转发：原件',
      text: 'fwd',
      attachments: [
        { fromMessage: detail.id, attachmentId: detail.attachments[0]?.id ?? '' },
        { fromMessage: detail.id },
      ],
    });
    const fwd = (await inbox(ALICE)).find((m) => m.subject === '转发：原件');
    const raw = Buffer.from(await jd.mail.raw(ALICE, fwd?.id ?? ''));
    const parsed = await simpleParser(raw);
    const [part, eml] = parsed.attachments;
    expect(raw.toString('latin1')).toMatch(
      /Content-Type: message\/rfc822[\s\S]*?Content-Disposition: attachment/,
    );
    expect(part?.filename).toBe('数据.bin');
    expect(part?.content.equals(Buffer.from(file))).toBe(true);
    expect(eml?.contentType).toBe('message/rfc822');
    expect(eml?.filename).toBe('原件.eml');
    const inner = await simpleParser(eml?.content ?? Buffer.alloc(0));
    expect(inner.subject).toBe('原件');
    expect(inner.attachments[0]?.content.equals(Buffer.from(file))).toBe(true);
    // Someone else's message is not a source.
    await expect(
      jd.mail.send(ALICE, { to: [BOB], subject: 'x', attachments: [{ fromMessage: detail.id }] }),
    ).rejects.toMatchObject({ status: 404, code: 'MESSAGE_NOT_FOUND' });
  });

  it('saves a draft, reads it back, replaces it keeping its attachment, and sending removes it', async () => {
    const up = await jd.mail.upload(ALICE, bytes(3000), { name: '草稿附件.txt', contentType: 'text/plain' });
    const draft = await jd.mail.saveDraft(ALICE, {
      to: [BOB],
      cc: [{ name: '抄送', address: ALICE }],
      bcc: ['hidden@compose.test'],
      subject: '未写完',
      html: '<p>第一版</p>',
      attachments: [{ uploadId: up.id }],
    });
    expect(draft).toMatchObject({ mailbox: 'Drafts', draft: true, unread: false, subject: '未写完' });
    const read = await jd.mail.get(ALICE, draft.id);
    expect(read.to.map((a) => a.address)).toEqual([BOB]);
    expect(read.cc.map((a) => a.address)).toEqual([ALICE]);
    expect(read.bcc.map((a) => a.address)).toEqual(['hidden@compose.test']);
    expect(read.html).toContain('第一版');
    expect(read.attachments.map((a) => a.filename)).toEqual(['草稿附件.txt']);

    const second = await jd.mail.replaceDraft(ALICE, draft.id, {
      to: [BOB],
      subject: '写完了',
      html: '<p>第二版</p>',
      attachments: [{ fromMessage: draft.id, attachmentId: read.attachments[0]?.id ?? '' }],
    });
    expect(second.id).not.toBe(draft.id);
    await expect(jd.mail.get(ALICE, draft.id)).rejects.toMatchObject({ status: 404 });
    const kept = await jd.mail.get(ALICE, second.id);
    expect(kept.attachments.map((a) => [a.filename, a.size])).toEqual([['草稿附件.txt', 3000]]);

    // Another user's draft id, or a message that is no draft, is refused before anything is sent.
    await expect(jd.mail.send(BOB, { to: [ALICE], subject: 'x', draftId: second.id })).rejects.toMatchObject({
      status: 404,
    });
    await jd.mail.send(ALICE, {
      to: [BOB],
      subject: '写完了',
      html: '<p>第二版</p>',
      attachments: [{ fromMessage: second.id, attachmentId: kept.attachments[0]?.id ?? '' }],
      draftId: second.id,
    });
    await expect(jd.mail.get(ALICE, second.id)).rejects.toMatchObject({ status: 404 });
    const arrived = (await inbox(BOB)).find((m) => m.subject === '写完了');
    const got = await jd.mail.get(BOB, arrived?.id ?? '');
    expect(got.attachments.map((a) => a.filename)).toEqual(['草稿附件.txt']);
    expect(got.bcc).toEqual([]);
  });
});
