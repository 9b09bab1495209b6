import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import type { BodySection, FetchPartial, ResponseValue } from '../../protocol/index.js';
import { binarySize, binaryValue } from './binary.js';
import { filterHeader } from './header-filter.js';
import { partialOf, sectionData, sectionValue } from './sections.js';
import { sourceOf } from './testing.js';

/** Expected answers are Dovecot 2.3.19's for the same message (BODY.PEEK[...] and BINARY.PEEK[...]). */
const crlf = (s: string) => Buffer.from(s.replace(/\r?\n/g, '\r\n'), 'utf8');

const NESTED = crlf(
  [
    'From: "Joe Q. Public" <joe@ex.com>',
    'Subject: =?utf-8?B?5rWL6K+V?=',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="outer"',
    '',
    '--outer',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    'Hi =E4=BD=A0',
    '--outer',
    'Content-Type: message/rfc822',
    '',
    'From: inner@ex.com',
    'Subject: inner',
    'Content-Type: multipart/alternative; boundary=inner',
    '',
    '--inner',
    'Content-Type: text/plain',
    '',
    'plain',
    '--inner',
    'Content-Type: text/html',
    'Content-Transfer-Encoding: base64',
    '',
    'PGI+aGk8L2I+',
    '--inner--',
    '',
    '--outer',
    'Content-Type: message/rfc822',
    '',
    'From: inner2@ex.com',
    'Subject: inner2',
    '',
    'simple body',
    '--outer',
    'Content-Type: application/octet-stream',
    'Content-Transfer-Encoding: x-uuencode',
    '',
    'begin 644 a',
    '--outer--',
    '',
  ].join('\n'),
);

function section(spec: string, fields: string[] = []): BodySection {
  const m = /^([0-9.]*?)\.?(HEADER\.FIELDS\.NOT|HEADER\.FIELDS|HEADER|TEXT|MIME)?$/.exec(
    spec,
  ) as RegExpExecArray;
  const part = m[1] ? m[1].split('.').map(Number) : [];
  return { part, text: (m[2] as BodySection['text']) ?? null, fields };
}

async function valueBytes(value: ResponseValue): Promise<Buffer> {
  if (value && typeof value === 'object' && 'literal' in value) return Buffer.from(value.literal);
  if (value && typeof value === 'object' && 'stream' in value) {
    const bytes = await buffer(value.stream as NodeJS.ReadableStream);
    expect(bytes.length).toBe(value.size);
    return bytes;
  }
  throw new Error(`not a literal: ${JSON.stringify(value)}`);
}

async function body(raw: Buffer, spec: string, fields: string[] = [], partial: FetchPartial | null = null) {
  const { source, message } = sourceOf(raw);
  const data = partialOf(await sectionData(source, message, section(spec, fields)), partial);
  return (await valueBytes(sectionValue(source, message, data))).toString('utf8');
}

describe('BODY[section]', () => {
  it('answers every section form as Dovecot does', async () => {
    expect(await body(NESTED, '')).toBe(NESTED.toString('utf8'));
    const headerEnd = NESTED.indexOf('\r\n\r\n') + 4;
    expect(await body(NESTED, 'HEADER')).toBe(NESTED.subarray(0, headerEnd).toString('utf8'));
    expect(await body(NESTED, 'TEXT')).toBe(NESTED.subarray(headerEnd).toString('utf8'));
    expect(await body(NESTED, '1')).toBe('Hi =E4=BD=A0');
    expect(await body(NESTED, '1.MIME')).toBe(
      'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n',
    );
    expect(await body(NESTED, '2.HEADER')).toBe(
      'From: inner@ex.com\r\nSubject: inner\r\nContent-Type: multipart/alternative; boundary=inner\r\n\r\n',
    );
    expect(await body(NESTED, '2.TEXT')).toMatch(/^--inner\r\n.*PGI\+aGk8L2I\+\r\n--inner--\r\n$/s);
    expect((await body(NESTED, '2.TEXT')).length).toBe(140);
    expect(await body(NESTED, '2.MIME')).toBe('Content-Type: message/rfc822\r\n\r\n');
    expect(await body(NESTED, '2.1')).toBe('plain');
    expect(await body(NESTED, '2.2')).toBe('PGI+aGk8L2I+');
    expect(await body(NESTED, '2.2.MIME')).toBe(
      'Content-Type: text/html\r\nContent-Transfer-Encoding: base64\r\n\r\n',
    );
    expect(await body(NESTED, '3.1')).toBe('simple body');
    expect(await body(NESTED, '3.TEXT')).toBe('simple body');
    expect(await body(NESTED, '3.1.MIME')).toBe('From: inner2@ex.com\r\nSubject: inner2\r\n\r\n');
    expect(await body(NESTED, '2.HEADER.FIELDS', ['from'])).toBe('From: inner@ex.com\r\n\r\n');
    expect(await body(NESTED, 'HEADER.FIELDS.NOT', ['From', 'SUBJECT'])).toBe(
      'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="outer"\r\n\r\n',
    );
    expect(await body(NESTED, 'HEADER.FIELDS', ['X-None'])).toBe('\r\n');
  });

  it('answers a part that does not exist, and HEADER or TEXT of a part that is no message, with an empty string', async () => {
    for (const spec of ['5', '2.3', '1.TEXT', '1.HEADER', '9.MIME'])
      expect(await body(NESTED, spec)).toBe('');
    expect(await body(NESTED, '1.1')).toBe('Hi =E4=BD=A0');
  });

  it('cuts partial ranges, empty past the end', async () => {
    expect(await body(NESTED, '', [], { offset: 10, length: 20 })).toBe(' Q. Public" <joe@ex.');
    expect(await body(NESTED, '1', [], { offset: 100, length: 5 })).toBe('');
    expect(await body(NESTED, 'TEXT', [], { offset: 0, length: 10 })).toBe('--outer\r\nC');
    expect(await body(NESTED, 'HEADER.FIELDS', ['subject'], { offset: 9, length: 1000 })).toBe(
      '=?utf-8?B?5rWL6K+V?=\r\n\r\n',
    );
  });

  it('reads a part of a large message without the bytes before it', async () => {
    const filler = `${'x'.repeat(76)}\r\n`.repeat(20_000);
    const raw = crlf(
      `Content-Type: multipart/mixed; boundary=b\n\n--b\n\n${filler}\n--b\nContent-Type: text/plain\n\nthe end\n--b--\n`,
    );
    const { blobs, source, message } = sourceOf(raw);
    await source.structure(message);
    const before = blobs.bytesRead;
    const data = await sectionData(source, message, section('2'));
    expect((await valueBytes(sectionValue(source, message, data))).toString()).toBe('the end');
    expect(blobs.bytesRead - before).toBe(7);
  });

  it('reads only the header section for HEADER, HEADER.FIELDS and ENVELOPE', async () => {
    const raw = crlf(`Subject: big\n\n${'y'.repeat(500_000)}\n`);
    const { blobs, source, message } = sourceOf(raw);
    expect(
      await valueBytes(sectionValue(source, message, await sectionData(source, message, section('HEADER')))),
    ).toEqual(crlf('Subject: big\n\n'));
    expect(blobs.bytesRead).toBeLessThanOrEqual(1000);
  });
});

describe('HEADER.FIELDS filter', () => {
  it('keeps folded fields whole, matches names case-insensitively and before spaces, ends with an empty line', () => {
    const header = crlf('From: a@b.c\nX-Bad line\nSubject : spaced\n\tmore\nTo: x\n\n');
    expect(filterHeader(header, ['SUBJECT'], false).toString()).toBe('Subject : spaced\r\n\tmore\r\n\r\n');
    expect(filterHeader(header, ['from'], true).toString()).toBe(
      'X-Bad line\r\nSubject : spaced\r\n\tmore\r\nTo: x\r\n\r\n',
    );
    expect(filterHeader(Buffer.from('From: a@b.c\r\nSubject: hi'), ['subject'], false).toString()).toBe(
      'Subject: hi\r\n\r\n',
    );
  });
});

describe('BINARY', () => {
  async function binary(raw: Buffer, part: number[], partial: FetchPartial | null = null) {
    const { source, message } = sourceOf(raw);
    return binaryValue(source, message, part, partial);
  }

  it('decodes quoted-printable and base64 parts (literal8), and passes 7bit ones as they are', async () => {
    const qp = await binary(NESTED, [1]);
    expect(qp).toMatchObject({ binary: true });
    expect((await valueBytes(qp)).toString('utf8')).toBe('Hi 你');
    expect((await valueBytes(await binary(NESTED, [2, 2]))).toString()).toBe('<b>hi</b>');
    const plain = await binary(NESTED, [2, 1]);
    expect((plain as { binary?: boolean }).binary).toBeFalsy();
    expect((await valueBytes(plain)).toString()).toBe('plain');
    expect((await valueBytes(await binary(NESTED, [2, 2], { offset: 3, length: 2 }))).toString()).toBe('hi');
  });

  it('gives decoded sizes, and NO [UNKNOWN-CTE] for an encoding it cannot undo', async () => {
    const { source, message } = sourceOf(NESTED);
    expect(await binarySize(source, message, [1])).toBe(6);
    expect(await binarySize(source, message, [2, 1])).toBe(5);
    expect(await binarySize(source, message, [9])).toBe(0);
    await expect(binarySize(source, message, [4])).rejects.toMatchObject({
      status: 'NO',
      code: { name: 'UNKNOWN-CTE' },
    });
    await expect(binary(NESTED, [4])).rejects.toMatchObject({ code: { name: 'UNKNOWN-CTE' } });
  });

  it('streams a large base64 part decoded, partial windows included, with the size it announced', async () => {
    const content = Buffer.alloc(600_000);
    for (let i = 0; i < content.length; i++) content[i] = (i * 7) % 251;
    const b64 = (content.toString('base64').match(/.{1,76}/g) as string[]).join('\r\n');
    const raw = crlf(
      `Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n${b64}\n--b--\n`,
    );
    const { source, message } = sourceOf(raw);
    expect(await binarySize(source, message, [1])).toBe(content.length);
    const whole = await binaryValue(source, message, [1], null);
    expect(whole).toMatchObject({ size: content.length, binary: true });
    expect((await valueBytes(whole)).equals(content)).toBe(true);
    const window = await binaryValue(source, message, [1], { offset: 250_000, length: 70_000 });
    expect((await valueBytes(window)).equals(content.subarray(250_000, 320_000))).toBe(true);
    const past = await binaryValue(source, message, [1], { offset: 700_000, length: 10 });
    expect(await valueBytes(past)).toEqual(Buffer.alloc(0));
  });
});
