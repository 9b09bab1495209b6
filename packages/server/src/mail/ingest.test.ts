import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { BlobWriter } from '../store/index.js';
import { missingSubmissionHeaders, receivedHeader } from './headers.js';
import { HEAD_BYTES, ingest, MAX_HEADER_BYTES, MAX_HEADER_LINES } from './ingest.js';
import { parseIndex } from './parse-index.js';

function memoryWriter() {
  const chunks: Buffer[] = [];
  const w: BlobWriter & { text(): string; aborted: boolean } = {
    aborted: false,
    write: async (c) => {
      chunks.push(Buffer.from(c));
    },
    finish: async () => ({ blobId: 'x', size: Buffer.concat(chunks).length }),
    abort: async () => {
      w.aborted = true;
    },
    text: () => Buffer.concat(chunks).toString('utf8'),
  };
  return w;
}

/** A stream that yields the message in small pieces, as a socket would. */
const pieces = (s: string | Buffer, size = 7) => {
  const b = Buffer.from(s);
  const out: Buffer[] = [];
  for (let i = 0; i < b.length; i += size) out.push(b.subarray(i, i + size));
  return Readable.from(out);
};

const MSG = 'From: A <a@x.test>\r\nTo: b@y.test\r\nSubject: Hi\r\n\r\nBody line\r\n';

describe('ingest', () => {
  it('stores prefix + message and keeps the head for indexing', async () => {
    const w = memoryWriter();
    const r = await ingest(pieces(MSG), w, { prefix: 'Received: x\r\n', maxSize: 10_000 });
    expect(w.text()).toBe(`Received: x\r\n${MSG}`);
    expect(r.size).toBe(Buffer.byteLength(`Received: x\r\n${MSG}`));
    expect(r.head.toString()).toBe(MSG);
    expect(r.sawAttachment).toBe(false);
  });

  it('adds Message-ID and Date on submission only when missing, before the header section', async () => {
    const w = memoryWriter();
    await ingest(pieces(MSG), w, {
      prefix: '',
      maxSize: 10_000,
      addHeaders: missingSubmissionHeaders('mail.test'),
    });
    expect(w.text()).toMatch(
      /^Message-ID: <[^>]+@mail\.test>\r\nDate: \w{3}, \d\d \w{3} \d{4} [\d:]{8} \+0000\r\nFrom: A/,
    );
    const w2 = memoryWriter();
    const withIds = `Message-ID: <m@x>\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\n${MSG}`;
    await ingest(pieces(withIds), w2, {
      prefix: '',
      maxSize: 10_000,
      addHeaders: missingSubmissionHeaders('mail.test'),
    });
    expect(w2.text()).toBe(withIds);
  });

  it('refuses past maxSize while streaming and drains the input', async () => {
    const w = memoryWriter();
    const big = `${MSG}${'y'.repeat(50_000)}`;
    const stream = pieces(big, 1000);
    await expect(ingest(stream, w, { prefix: '', maxSize: 20_000 })).rejects.toMatchObject({
      code: 'MESSAGE_TOO_LARGE',
    });
    expect(stream.readableEnded).toBe(true);
    expect(w.text().length).toBeLessThanOrEqual(20_000);
  });

  it('handles a message with no body, storing bare LF line ends as CRLF', async () => {
    const w = memoryWriter();
    await ingest(pieces('Subject: only headers\n'), w, { prefix: '', maxSize: 1000 });
    expect(w.text()).toBe('Subject: only headers\r\n');
  });

  it('stores CRLF line ends only and no NUL, whatever the client sent, and finds the header end in LF text', async () => {
    const w = memoryWriter();
    const r = await ingest(pieces('Subject: lf\nX-A: 1\n\nline\0 one\rline two\n.\nend\r\r\n', 3), w, {
      prefix: '',
      maxSize: 1000,
      addHeaders: missingSubmissionHeaders('mail.test'),
    });
    expect(w.text()).toMatch(
      /^Message-ID: .*\r\nDate: .*\r\nSubject: lf\r\nX-A: 1\r\n\r\nline one\r\nline two\r\n\.\r\nend\r\n$/,
    );
    expect(w.text().replaceAll('\r\n', '')).not.toMatch(/[\r\n\0]/);
    expect(r.size).toBe(Buffer.byteLength(w.text()));
  });

  it('refuses a header section over MAX_HEADER_BYTES or MAX_HEADER_LINES (HEADER_TOO_LARGE), draining the input', async () => {
    const long = `X-Pad: ${'p'.repeat(900)}\r\n`.repeat(Math.ceil(MAX_HEADER_BYTES / 900));
    for (const header of [long, 'X: y\r\n'.repeat(MAX_HEADER_LINES + 1)]) {
      for (const body of ['\r\nbody\r\n', '']) {
        const stream = pieces(`Subject: s\r\n${header}${body}`, 4096);
        await expect(
          ingest(stream, memoryWriter(), { prefix: '', maxSize: 10_000_000 }),
        ).rejects.toMatchObject({
          code: 'HEADER_TOO_LARGE',
        });
        expect(stream.readableEnded).toBe(true);
      }
    }
    // Just under both limits is taken, and a line count of the body does not matter.
    const fits = `${'X: y\r\n'.repeat(MAX_HEADER_LINES - 2)}\r\n${'b\r\n'.repeat(MAX_HEADER_LINES)}`;
    const w = memoryWriter();
    await ingest(pieces(fits, 1000), w, { prefix: 'Received: x\r\n', maxSize: 10_000_000 });
    expect(w.text()).toBe(`Received: x\r\n${fits}`);
  });

  it('finds the header end in linear time when the header comes a few bytes at a time', async () => {
    const header = `${'X-Pad: ppppppppppppppppppppppppppppppppppppp\r\n'.repeat(4000)}\r\nbody\r\n`;
    const started = performance.now();
    await ingest(pieces(header, 3), memoryWriter(), { prefix: '', maxSize: 10_000_000 });
    // Quadratic rescanning of 180 KB in 3-byte pieces takes minutes; linear work well under a second.
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('sees attachments anywhere, even past the head, across chunk edges', async () => {
    const body = `${MSG.replace('\r\n\r\n', '\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n')}--b\r\n\r\ntext\r\n${'z'.repeat(HEAD_BYTES)}\r\n--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=a.pdf\r\n\r\nJVBE\r\n--b--\r\n`;
    const r = await ingest(pieces(body, 13), memoryWriter(), { prefix: '', maxSize: 10 * HEAD_BYTES });
    expect(r.head.length).toBe(HEAD_BYTES);
    expect(r.sawAttachment).toBe(true);
  });
});

describe('parseIndex', () => {
  it('extracts the index fields', async () => {
    const raw = Buffer.from(
      'From: "Zhang San" <Zhang@Example.COM>\r\nTo: a@x.test, Team: b@x.test, c@x.test;\r\nCc: d@x.test\r\nSubject: =?UTF-8?B?5L2g5aW9?=\r\nDate: Tue, 3 Feb 2026 10:00:00 +0800\r\nMessage-ID: <id1@x>\r\n\r\nHello   world,\r\n\r\nsecond line\r\n',
    );
    const ix = await parseIndex(raw, false);
    expect(ix.from).toEqual({ name: 'Zhang San', address: 'zhang@example.com' });
    expect(ix.to.map((a) => a.address)).toEqual(['a@x.test', 'b@x.test', 'c@x.test']);
    expect(ix.cc).toEqual([{ name: '', address: 'd@x.test' }]);
    expect(ix.subject).toBe('你好');
    expect(ix.date).toBe(Date.parse('2026-02-03T02:00:00Z'));
    expect(ix.messageId).toBe('<id1@x>');
    expect(ix.preview).toBe('Hello world, second line');
    expect(ix.hasAttachments).toBe(false);
  });

  it('takes the preview from the first text, however far an HTML style block pushes it', async () => {
    const style = `<style>${'.x{color:red}'.repeat(1000)}</style>`;
    const raw = Buffer.from(
      `Subject: s\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><head>${style}</head><body><p>Hello   there</p></body></html>\r\n`,
    );
    expect(raw.length).toBeGreaterThan(12_000);
    expect((await parseIndex(raw, false)).preview).toBe('Hello there');
  });

  it('finds the first text part of a multipart message and an attachment by type alone', async () => {
    const pdf = 'JVBERi0xLjQK'.repeat(2000);
    const raw = `From: a@x.test\r\nSubject: s\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nCaf=C3=A9 at noon?\r\n--b\r\nContent-Type: application/pdf; name=menu.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n${pdf}\r\n--b--\r\n`;
    const r = await ingest(pieces(raw, 500), memoryWriter(), { prefix: '', maxSize: 1_000_000 });
    expect(r.sawAttachment).toBe(true);
    const ix = await parseIndex(r.head, r.sawAttachment);
    expect(ix.preview).toBe('Café at noon?');
    expect(ix.hasAttachments).toBe(true);
  });

  it('tolerates garbage headers', async () => {
    const ix = await parseIndex(Buffer.from('From: <<<\r\nDate: yesterday\r\n\r\n'), false);
    expect(ix.date).toBeNull();
    expect(ix.subject).toBe('');
  });
});

describe('receivedHeader', () => {
  it('follows RFC 5321 §4.4 and strips control characters from client-given names', () => {
    const h = receivedHeader(
      {
        helo: 'evil\r\nX-Injected: 1',
        clientAddress: '192.0.2.1',
        by: 'mx.test',
        protocol: 'ESMTPS',
        id: 'abc',
        for: 'u@x.test',
      },
      new Date('2026-01-02T03:04:05Z'),
    );
    expect(h).toBe(
      'Received: from evilX-Injected:1 ([192.0.2.1])\r\n\tby mx.test (jdmail) with ESMTPS id abc\r\n\tfor <u@x.test>;\r\n\tFri, 02 Jan 2026 03:04:05 +0000\r\n',
    );
  });
});
