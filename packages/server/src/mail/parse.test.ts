import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseBody, readHeaderFields } from './parse.js';

const stream = (s: string) => Readable.from([Buffer.from(s)]);
const pad = (lines: number) => `X-Pad: ${'p'.repeat(70)}\r\n`.repeat(lines);

describe('parseBody', () => {
  it('parses a message in full', async () => {
    const body = await parseBody(stream('From: a@x.test\r\nSubject: Hi\r\n\r\nHello\r\n'));
    expect(body).toMatchObject({ text: 'Hello\n', partial: false });
    expect(body.headers).toEqual([
      { name: 'From', value: 'a@x.test' },
      { name: 'Subject', value: 'Hi' },
    ]);
  });

  it('gives what it read, marked partial, for a part whose header is past mailsplit’s limit', async () => {
    const raw = `From: a@x.test\r\nSubject: big part\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=a.pdf\r\n\r\nJVBE\r\n--b\r\nContent-Type: text/plain\r\n${pad(16_000)}\r\nhidden\r\n--b--\r\n`;
    const body = await parseBody(stream(raw));
    expect(body.partial).toBe(true);
    expect(body.headers.find((h) => h.name === 'Subject')?.value).toBe('big part');
    expect(body.attachments.map((a) => a.filename)).toEqual(['a.pdf']);
  });

  it('gives what it read, marked partial, for a message of more than 1,000 parts', async () => {
    const parts = Array.from(
      { length: 1100 },
      (_, i) => `--b\r\nContent-Type: text/plain\r\n\r\npart ${i}\r\n`,
    );
    const raw = `Subject: many\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n${parts.join('')}--b--\r\n`;
    const body = await parseBody(stream(raw));
    expect(body.partial).toBe(true);
    expect(body.headers.find((h) => h.name === 'Subject')?.value).toBe('many');
  });

  it('resolves with no headers when the top-level header section itself is past the limit', async () => {
    const raw = `Subject: huge\r\n${pad(30_000)}\r\nbody\r\n`;
    const body = await parseBody(stream(raw));
    expect(body).toMatchObject({ partial: true, headers: [], text: null });
    // The fallback reader shows the fields as they are, bounded.
    const fields = await readHeaderFields(stream(raw));
    expect(fields[0]).toEqual({ name: 'Subject', value: 'huge' });
    expect(fields.length).toBe(1000);
  });

  it('reads folded fields without a MIME parser, and stops at the empty line', async () => {
    const fields = await readHeaderFields(
      stream('Subject: a\r\n b\r\nbroken line\r\nTo: c@x.test\r\n\r\nBody: no\r\n'),
    );
    expect(fields).toEqual([
      { name: 'Subject', value: 'a b' },
      { name: 'To', value: 'c@x.test' },
    ]);
  });

  it('rejects when the stored bytes cannot be read', async () => {
    const broken = new Readable({
      read() {
        this.destroy(new Error('EIO'));
      },
    });
    await expect(parseBody(broken)).rejects.toThrow('EIO');
  });
});
