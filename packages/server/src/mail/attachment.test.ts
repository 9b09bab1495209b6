import { Readable } from 'node:stream';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { describe, expect, it } from 'vitest';
import { findAttachment } from './attachment.js';
import { parseBody } from './parse.js';

const compose = (attachments: object[], html = '<p>hi <img src="cid:logo@x"></p>') =>
  new MailComposer({ from: 'a@x.test', to: 'b@y.test', subject: 's', text: 'hi', html, attachments })
    .compile()
    .build();

/** A source that hands out `raw` in 64 KB chunks and counts what was pulled from it. */
function countingSource(raw: Buffer) {
  let pulled = 0;
  let offset = 0;
  const stream = new Readable({
    highWaterMark: 64 * 1024,
    read() {
      if (offset >= raw.length) return void this.push(null);
      const chunk = raw.subarray(offset, offset + 64 * 1024);
      offset += chunk.length;
      pulled += chunk.length;
      this.push(chunk);
    },
  });
  return { stream, pulled: () => pulled };
}

async function readAll(r: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of r) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

describe('findAttachment', () => {
  it('streams the part the message view names, decoded, with its type, charset and name', async () => {
    const raw = await compose([
      { filename: 'notes 季度.txt', content: 'Grüße', contentType: 'text/plain; charset=utf-8' },
      { filename: 'logo.png', content: Buffer.from([0x89, 0x50, 0x4e, 0x47]), cid: 'logo@x' },
    ]);
    const view = await parseBody(Readable.from([raw]));
    expect(view.attachments.map((a) => [a.id, a.filename, a.contentId])).toEqual([
      ['1.2.2', 'logo.png', 'logo@x'],
      ['2', 'notes 季度.txt', null],
    ]);
    const notes = await findAttachment(Readable.from([raw]), '2');
    expect(notes).toMatchObject({ contentType: 'text/plain', charset: 'utf-8', filename: 'notes 季度.txt' });
    expect((await readAll(notes?.content as Readable)).toString('utf8')).toBe('Grüße');
    const logo = await findAttachment(Readable.from([raw]), '1.2.2');
    expect([...(await readAll(logo?.content as Readable))]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });

  it('answers null for a part that is not an attachment or does not exist', async () => {
    const raw = await compose([{ filename: 'a.txt', content: 'a' }]);
    expect(await findAttachment(Readable.from([raw]), '1.1')).toBeNull(); // the text body
    expect(await findAttachment(Readable.from([raw]), '9')).toBeNull();
  });

  it('calls a message that is one non-text part, part 1 (as IMAP does)', async () => {
    const raw = Buffer.from(
      'Subject: x\r\nContent-Type: application/pdf; name=a.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERg==\r\n',
    );
    expect((await parseBody(Readable.from([raw]))).attachments[0]?.id).toBe('1');
    const pdf = await findAttachment(Readable.from([raw]), '1');
    expect((await readAll(pdf?.content as Readable)).toString()).toBe('%PDF');
  });

  it('follows the reader’s pace and stops reading the message once the part is done', async () => {
    const big = Buffer.alloc(8 * 1024 * 1024, 7);
    const raw = await compose(
      [
        { filename: 'first.bin', content: big },
        { filename: 'after.bin', content: Buffer.alloc(4 * 1024 * 1024, 1) },
      ],
      '<p>x</p>',
    );
    const source = countingSource(raw);
    const found = await findAttachment(source.stream, '2');
    expect(found?.filename).toBe('first.bin');
    // Nobody reads yet: the parser must not run ahead through the 8 MB part (≈ 11 MB of base64).
    await new Promise((r) => setTimeout(r, 200));
    expect(source.pulled()).toBeLessThan(3 * 1024 * 1024);
    const got = await readAll(found?.content as Readable);
    expect(got.equals(big)).toBe(true);
    await new Promise((r) => setImmediate(r));
    // The 4 MB part after it (≈ 5.5 MB encoded) was never read through.
    expect(source.pulled()).toBeLessThan(raw.length - 4 * 1024 * 1024);
    expect(source.stream.destroyed).toBe(true);
  });

  it('closes the message when the reader gives up midway', async () => {
    const raw = await compose(
      [{ filename: 'big.bin', content: Buffer.alloc(4 * 1024 * 1024, 3) }],
      '<p>x</p>',
    );
    const source = countingSource(raw);
    const found = await findAttachment(source.stream, '2');
    found?.content.destroy();
    await new Promise((r) => setTimeout(r, 20));
    expect(source.stream.destroyed).toBe(true);
    expect(source.pulled()).toBeLessThan(raw.length);
  });

  it('answers "no such part" for a part behind one the parser gives up on, and fails on unreadable bytes', async () => {
    const pad = `X-Pad: ${'p'.repeat(70)}\r\n`.repeat(16_000);
    const raw = `Subject: s\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: application/pdf\r\n\r\nJVBE\r\n--b\r\nContent-Type: application/zip\r\n${pad}\r\nUEsD\r\n--b--\r\n`;
    const first = await findAttachment(Readable.from([Buffer.from(raw)]), '1');
    expect(first?.contentType).toBe('application/pdf');
    expect((await readAll(first?.content as Readable)).toString()).toBe('JVBE');
    expect(await findAttachment(Readable.from([Buffer.from(raw)]), '2')).toBeNull();
    const broken = new Readable({
      read() {
        this.destroy(new Error('EIO'));
      },
    });
    await expect(findAttachment(broken, '1')).rejects.toThrow('EIO');
  });
});
