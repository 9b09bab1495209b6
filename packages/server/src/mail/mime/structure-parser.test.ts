import { describe, expect, it } from 'vitest';
import { type MimeEntity, resolvePart, StructureParser, structureOf } from './index.js';

/**
 * Expected sizes, line counts and sections are what Dovecot 2.3.19
 * answers for the same bytes (BODYSTRUCTURE, BODY[n], BODY[n.MIME]).
 */
const crlf = (s: string) => Buffer.from(s.replace(/\r?\n/g, '\r\n'), 'latin1');

function view(message: Buffer, root: MimeEntity, path: number[]) {
  const e = resolvePart(root, path);
  if (!e) return null;
  return {
    type: `${e.type}/${e.subtype}`,
    header: message.subarray(e.headerStart, e.headerStart + e.headerSize).toString('latin1'),
    body: message.subarray(e.bodyStart, e.bodyStart + e.bodySize).toString('latin1'),
    lines: e.bodyLines,
  };
}

/** Parses `message` whole, and again a byte at a time: both must agree. */
function parse(message: Buffer): MimeEntity {
  const whole = structureOf(message);
  const parser = new StructureParser();
  for (let i = 0; i < message.length; i++) parser.write(message.subarray(i, i + 1));
  expect(parser.end()).toEqual(whole);
  return whole;
}

describe('MIME structure', () => {
  it('finds parts of a multipart, the line break before a delimiter belonging to the delimiter', () => {
    const m = crlf(
      'From: a@b.c\nSubject: hi\nContent-Type: multipart/mixed; boundary=xx\n\npre\n--xx\nContent-Type: text/plain\n\nHello\n--xx\n\nWorld\nline2\n--xx--\nepi\n',
    );
    const root = parse(m);
    expect(root.headerSize).toBe(72);
    expect(root.bodySize).toBe(81);
    expect(root.fields.subject).toBe('hi');
    expect(view(m, root, [1])).toEqual({
      type: 'text/plain',
      header: 'Content-Type: text/plain\r\n\r\n',
      body: 'Hello',
      lines: 0,
    });
    expect(view(m, root, [2])).toEqual({
      type: 'text/plain',
      header: '\r\n',
      body: 'World\r\nline2',
      lines: 1,
    });
    expect(view(m, root, [3])).toBeNull();
  });

  it('counts line feeds of a single-part body, the last line without one included in the size', () => {
    const m = crlf('From: a@b.c\nSubject: hi\n\nHello\nWorld');
    const root = parse(m);
    expect(view(m, root, [])).toMatchObject({ body: 'Hello\r\nWorld', lines: 1 });
    expect(view(m, root, [1])).toMatchObject({
      header: 'From: a@b.c\r\nSubject: hi\r\n\r\n',
      body: 'Hello\r\nWorld',
    });
    expect(view(m, root, [1, 1])).toMatchObject({ body: 'Hello\r\nWorld' });
    expect(view(m, root, [2])).toBeNull();
  });

  it('reads a message without an empty line as all header, with or without a last line break', () => {
    for (const text of ['From: a@b.c\nSubject: hi\n', 'From: a@b.c\nSubject: hi']) {
      const m = crlf(text);
      const root = parse(m);
      expect(root.headerSize).toBe(m.length);
      expect(root.bodySize).toBe(0);
      expect(root.fields).toEqual({ from: 'a@b.c', subject: 'hi' });
    }
  });

  it('nests message/rfc822 parts: their header, text and parts', () => {
    const m = crlf(
      [
        'From: a@b.c',
        'Content-Type: multipart/mixed; boundary="outer"',
        '',
        '--outer',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Hi',
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
        '--outer--',
        '',
      ].join('\n'),
    );
    const root = parse(m);
    const two = resolvePart(root, [2]) as MimeEntity;
    expect(two.bodySize).toBe(231);
    expect(two.bodyLines).toBe(14);
    expect(two.message?.fields).toMatchObject({ from: 'inner@ex.com', subject: 'inner' });
    expect(two.message?.headerSize).toBe(91);
    expect(two.message?.bodySize).toBe(140);
    expect(view(m, root, [2, 1])).toMatchObject({ body: 'plain', lines: 0 });
    expect(view(m, root, [2, 2])).toMatchObject({
      type: 'text/html',
      header: 'Content-Type: text/html\r\nContent-Transfer-Encoding: base64\r\n\r\n',
      body: 'PGI+aGk8L2I+',
    });
    expect(view(m, root, [3])).toMatchObject({ type: 'message/rfc822', lines: 3 });
    expect((resolvePart(root, [3]) as MimeEntity).bodySize).toBe(51);
    expect(view(m, root, [3, 1])).toMatchObject({
      header: 'From: inner2@ex.com\r\nSubject: inner2\r\n\r\n',
      body: 'simple body',
    });
    expect(view(m, root, [2, 3])).toBeNull();
  });

  it('leaves a base64 message/rfc822 opaque and parses an 8bit one', () => {
    const b64 = parse(crlf('Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\nRnJvbTo=\n'));
    expect(b64.message).toBeUndefined();
    const eight = parse(
      crlf('Content-Type: message/rfc822\nContent-Transfer-Encoding: 8bit\n\nSubject: r\n\nb2\n'),
    );
    expect(eight.message?.fields.subject).toBe('r');
    expect(eight.message?.bodySize).toBe(4);
  });

  it('gives a multipart/digest message/rfc822 parts by default', () => {
    const m = crlf(
      'Content-Type: multipart/digest; boundary=d\n\n--d\n\nFrom: x@y.z\nSubject: dig\n\nbody1\n--d\nContent-Type: text/plain\n\nt\n--d--',
    );
    const root = parse(m);
    const one = resolvePart(root, [1]) as MimeEntity;
    expect(`${one.type}/${one.subtype}`).toBe('message/rfc822');
    expect([one.bodySize, one.bodyLines]).toEqual([34, 3]);
    expect(view(m, root, [1, 1])).toMatchObject({ body: 'body1' });
    expect(view(m, root, [2])).toMatchObject({ type: 'text/plain', body: 't' });
  });

  it('matches the longest open boundary, and a delimiter of an outer multipart ends the inner ones', () => {
    const m = crlf(
      'Content-Type: multipart/mixed; boundary=a\n\n--a\nContent-Type: multipart/mixed; boundary=ab\n\n--ab\n\nin\n--a\n\nsecond\n--a--\n',
    );
    const root = parse(m);
    expect(view(m, root, [1])).toMatchObject({ type: 'multipart/mixed', body: '--ab\r\n\r\nin' });
    expect(view(m, root, [1, 1])).toMatchObject({ body: 'in' });
    expect(view(m, root, [2])).toMatchObject({ body: 'second' });
  });

  it('matches the innermost of equal boundaries', () => {
    const m = crlf(
      'Content-Type: multipart/mixed; boundary=a\n\n--a\nContent-Type: multipart/alternative; boundary=a\n\n--a\n\nsame boundary\n--a--\n',
    );
    const root = parse(m);
    expect(root.children).toHaveLength(1);
    expect(view(m, root, [1, 1])).toMatchObject({ body: 'same boundary' });
  });

  it('ends an unclosed multipart at the end of the message, the last line break included', () => {
    const m = crlf('Content-Type: multipart/mixed; boundary=a\n\n--a\n\nno end\n');
    expect(view(m, parse(m), [1])).toMatchObject({ body: 'no end\r\n', lines: 1 });
  });

  it('ends a part header at a delimiter, and keeps an empty header and body apart', () => {
    const cut = crlf(
      'Content-Type: multipart/mixed; boundary=a\n\n--a\nContent-Type: text/plain\n--a\n\nx\n--a--\n',
    );
    const root = parse(cut);
    expect(view(cut, root, [1])).toMatchObject({ header: 'Content-Type: text/plain', body: '' });
    expect(view(cut, root, [2])).toMatchObject({ header: '\r\n', body: 'x' });
    const empty = crlf('Content-Type: multipart/mixed; boundary=a\n\n--a\n\n\n--a--\n');
    expect(view(empty, parse(empty), [1])).toMatchObject({ header: '\r\n', body: '', lines: 0 });
  });

  it('gives a multipart without a boundary no parts', () => {
    const root = parse(crlf('Content-Type: multipart/mixed\n\n--x\n\nhi\n--x--\n'));
    expect(root.children).toEqual([]);
    expect(resolvePart(root, [1])).toBeNull();
  });

  it('reads bare LF line endings alike', () => {
    const m = Buffer.from('Content-Type: multipart/mixed; boundary=a\n\n--a\n\nx\ny\n--a--\n');
    expect(view(m, parse(m), [1])).toMatchObject({ header: '\n', body: 'x\ny', lines: 1 });
  });

  it('unfolds fields and picks occurrences as Dovecot does', () => {
    const root = parse(
      crlf(
        [
          'Subject:',
          '  folded /',
          '\tline  ',
          'In-Reply-To:',
          '  a',
          ' \t b',
          'To: x@y',
          'Cc: c@x',
          'To: z@y',
          'Message-ID: <1@x>',
          'Message-ID: <2@x>',
          'Content-Type: TEXT/Plain; Charset="GBK"',
          'Content-Type: text/html',
          '',
          'x',
        ].join('\n'),
      ),
    );
    expect(root.fields.subject).toBe('folded / line  ');
    expect(root.fields['in-reply-to']).toBe('  a \t b');
    expect(root.fields.to).toBe('x@y, z@y');
    expect(root.fields['message-id']).toBe('<2@x>');
    expect([root.type, root.subtype]).toEqual(['text', 'plain']);
    expect(root.contentType).toEqual({ type: 'TEXT', subtype: 'Plain', params: [['Charset', 'GBK']] });
  });

  it('merges RFC 2231 continuations and puts them after plain parameters', () => {
    const root = parse(
      crlf(
        'Content-Type: application/octet-stream; name*0="long"; x=1; name*1="name.txt"; y*=utf-8\'\'%E4%B8%AD\n\nx',
      ),
    );
    expect(root.contentType?.params).toEqual([
      ['x', '1'],
      ['name', 'longname.txt'],
      ['y*', "utf-8''%E4%B8%AD"],
    ]);
  });

  it('reads a message/rfc822 whose header a delimiter cuts as an empty message', () => {
    const m = crlf('Content-Type: multipart/mixed; boundary=a\n\n--a\nContent-Type: message/rfc822\n--a--\n');
    const part = resolvePart(parse(m), [1]) as MimeEntity;
    expect(part.message).toMatchObject({ headerSize: 0, bodySize: 0 });
  });
});
