import { describe, expect, it } from 'vitest';
import { structureOf } from '../../../mail/index.js';
import { atom, bodyStructureValue, envelopeValue, joinParts, untaggedParts } from '../../protocol/index.js';
import { mimePartOf } from './body-structure.js';
import { envelopeOf } from './envelope.js';
import { MessageCache } from './message-cache.js';

/**
 * Expected values are Dovecot 2.3.19's answers for the same bytes, but for
 * what IMAP leaves free: type names in upper case, and strings quoted where
 * Dovecot chose a literal (and the reverse).
 */
const crlf = (s: string) => Buffer.from(s.replace(/\r?\n/g, '\r\n'), 'utf8');

function envelope(raw: Buffer, utf8 = false): string {
  const parts = untaggedParts([envelopeValue(envelopeOf(structureOf(raw)))], { utf8 });
  return joinParts(parts).toString('utf8').slice(2, -2);
}

function bodystructure(raw: Buffer, extensible = true): string {
  const parts = untaggedParts([atom('B'), bodyStructureValue(mimePartOf(structureOf(raw)), extensible)], {
    utf8: false,
  });
  return joinParts(parts).toString('utf8').slice(4, -2);
}

describe('ENVELOPE', () => {
  it('parses addresses leniently, as Dovecot reports them', () => {
    const raw = crlf(
      [
        'From: joe (Joe Smith) , <@route1,@route2:x@y.z>',
        'To: "quoted \\"name\\"" <q@x.y>, nodomain, <>, "Name" <local>, bob@, @host, a b c <d@e.f>',
        'Cc: =?gb2312?B?1tDOxA==?= <g@h.i> (comment)',
        'Bcc: Team: a@x.com, =?utf-8?B?5byg5LiJ?= <b@y.com>;, undisclosed-recipients:;',
        'Sender:',
        'Reply-To: ',
        'Subject: hi',
        'Date:   Tue, 1 Jan 2030 00:00:00 +0000  ',
        'Message-ID:  <a@b>  ',
        '',
        'x',
      ].join('\n'),
    );
    expect(envelope(raw)).toBe(
      [
        '("Tue, 1 Jan 2030 00:00:00 +0000  " "hi"',
        '(("Joe Smith" NIL "joe" "MISSING_DOMAIN")(NIL "@route1,@route2" "x" "y.z"))',
        '(("Joe Smith" NIL "joe" "MISSING_DOMAIN")(NIL "@route1,@route2" "x" "y.z"))',
        '(("Joe Smith" NIL "joe" "MISSING_DOMAIN")(NIL "@route1,@route2" "x" "y.z"))',
        '(("quoted \\"name\\"" NIL "q" "x.y")(NIL NIL "nodomain" "MISSING_DOMAIN")(NIL NIL "MISSING_MAILBOX" "MISSING_DOMAIN")("Name" NIL "local" "MISSING_DOMAIN")(NIL NIL "bob" "MISSING_DOMAIN")(NIL NIL "MISSING_MAILBOX" "host")("a b c" NIL "d" "e.f"))',
        '(("=?gb2312?B?1tDOxA==?=" NIL "g" "h.i"))',
        '((NIL NIL "Team" NIL)(NIL NIL "a" "x.com")("=?utf-8?B?5byg5LiJ?=" NIL "b" "y.com")(NIL NIL NIL NIL)(NIL NIL "undisclosed-recipients" NIL)(NIL NIL NIL NIL))',
        'NIL "<a@b>  ")',
      ].join(' '),
    );
  });

  it('sends raw 8-bit values as their bytes: a literal, or quoted UTF-8 once UTF-8 is allowed', () => {
    const raw = crlf('From: 张三 <zs@example.cn>\nSubject: 中文主题\n\nx');
    expect(envelope(raw)).toBe(
      'NIL {12}\r\n中文主题 (({6}\r\n张三 NIL "zs" "example.cn")) (({6}\r\n张三 NIL "zs" "example.cn")) (({6}\r\n张三 NIL "zs" "example.cn")) NIL NIL NIL NIL NIL)'.replace(
        /^/,
        '(',
      ),
    );
    expect(envelope(raw, true)).toContain('"中文主题" (("张三" NIL "zs" "example.cn"))');
  });

  it('takes the last Subject and every To, and NIL for absent fields', () => {
    const raw = crlf('Subject:\nSubject: the second subject\nTo: one@x.test\nTo: two@x.test\n\nx');
    expect(envelope(raw)).toBe(
      '(NIL "the second subject" NIL NIL NIL ((NIL NIL "one" "x.test")(NIL NIL "two" "x.test")) NIL NIL NIL NIL)',
    );
  });
});

describe('BODYSTRUCTURE', () => {
  it('describes nested parts with the extension data, and BODY without it', () => {
    const raw = crlf(
      [
        'Content-Type: multipart/mixed; boundary="outer"',
        '',
        '--outer',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: quoted-printable',
        'Content-Language: en, zh',
        'Content-Disposition: inline; filename="a.txt"',
        'Content-ID: <id1>',
        'Content-Description: desc',
        'Content-Location: http://x/y',
        'Content-MD5: abc',
        '',
        'Hi =E4=BD=A0',
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
    expect(bodystructure(raw)).toBe(
      '(("TEXT" "PLAIN" ("CHARSET" "utf-8") "<id1>" "desc" "QUOTED-PRINTABLE" 12 0 "abc" ("INLINE" ("FILENAME" "a.txt")) ("en" "zh") "http://x/y")' +
        '("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 51 (NIL "inner2" ((NIL NIL "inner2" "ex.com")) ((NIL NIL "inner2" "ex.com")) ((NIL NIL "inner2" "ex.com")) NIL NIL NIL NIL NIL) ("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 11 0 NIL NIL NIL NIL) 3 NIL NIL NIL NIL)' +
        ' "MIXED" ("BOUNDARY" "outer") NIL NIL NIL)',
    );
    expect(bodystructure(raw, false)).toMatch(
      /^\(\("TEXT" "PLAIN" \("CHARSET" "utf-8"\) "<id1>" "desc" "QUOTED-PRINTABLE" 12 0\)/,
    );
  });

  it('gives a multipart without parts one empty text part, and an opaque message/rfc822 an empty envelope', () => {
    expect(bodystructure(crlf('Content-Type: multipart/mixed\n\n--x\n\nhi\n--x--\n'))).toBe(
      '(("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 0 0 NIL NIL NIL NIL) "MIXED" NIL NIL NIL NIL)',
    );
    expect(
      bodystructure(
        crlf(
          'Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\nRnJvbTogeEB5LnoNCg0KaGkNCg==\n',
        ),
      ),
    ).toBe(
      '("MESSAGE" "RFC822" NIL NIL NIL "BASE64" 30 (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) ("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 0 0 NIL NIL NIL NIL) 1 NIL NIL NIL NIL)',
    );
  });
});

describe('MessageCache', () => {
  it('drops the least recently used messages past its bound', () => {
    const cache = new MessageCache(20_000);
    const parsed = (n: number) => {
      const raw = crlf(`Subject: ${'s'.repeat(n)}\n\nx`);
      const root = structureOf(raw);
      return { header: raw.subarray(0, root.headerSize), root, full: true, binarySizes: new Map() };
    };
    for (let i = 0; i < 10; i++) cache.set(`b${i}`, parsed(1000));
    expect(cache.size).toBeLessThanOrEqual(20_000);
    expect(cache.get('b9')).toBeDefined();
    expect(cache.get('b0')).toBeUndefined();
    cache.set('huge', parsed(10_000));
    expect(cache.get('huge')).toBeUndefined();
  });
});
