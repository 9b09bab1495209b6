import { describe, expect, it } from 'vitest';
import { bodyStructureValue, type MimePart } from './body-structure.js';
import {
  capabilityResponse,
  esearchResponse,
  fetchResponse,
  idResponse,
  listResponse,
  mailboxStatusResponse,
  namespaceResponse,
  quotaResponse,
  searchResponse,
  threadResponse,
  untagged,
  vanishedResponse,
} from './data-responses.js';
import { type Envelope, envelopeValue } from './envelope.js';
import { tooBigError } from './errors.js';
import { atom } from './response-value.js';
import { joinParts } from './response-writer.js';
import { continuation, refusalLine, statusLine } from './status-responses.js';

const ascii = { utf8: false };
const rev2 = { utf8: true };
const text = (b: Buffer) => b.toString('utf8');

describe('values: atom, quoted, literal', () => {
  it('quotes what it can, escaping " and \\, and sends the rest as literals', () => {
    expect(text(untagged(['plain', 'a "b" \\c', '', null, 42, atom('\\Seen')], ascii))).toBe(
      '* "plain" "a \\"b\\" \\\\c" "" NIL 42 \\Seen\r\n',
    );
    expect(text(untagged(['two\r\nlines'], ascii))).toBe('* {10}\r\ntwo\r\nlines\r\n');
    expect(text(untagged(['x'.repeat(2000)], ascii))).toMatch(/^\* \{2000\}\r\nx+\r\n$/);
  });

  it('sends 8-bit text as a literal unless UTF-8 is allowed, then quoted', () => {
    expect(text(untagged(['项目'], ascii))).toBe('* {6}\r\n项目\r\n');
    expect(text(untagged(['项目'], rev2))).toBe('* "项目"\r\n');
    expect(untagged([Buffer.from([0xff, 0x41])], rev2)).toEqual(
      Buffer.from([...Buffer.from('* {2}\r\n'), 0xff, 0x41, 13, 10]),
    );
    expect(text(untagged([{ literal: 'a\0b', binary: true }], ascii))).toBe('* ~{3}\r\na\0b\r\n');
  });
});

describe('status lines', () => {
  it('writes tagged and untagged lines with response codes, one line always', () => {
    expect(text(statusLine('a1', 'OK', 'SELECT completed', { name: 'READ-WRITE' }))).toBe(
      'a1 OK [READ-WRITE] SELECT completed\r\n',
    );
    expect(
      text(statusLine('*', 'OK', 'x', { name: 'COPYUID', args: ['38505', '304,319:320', '3956:3958'] })),
    ).toBe('* OK [COPYUID 38505 304,319:320 3956:3958] x\r\n');
    expect(text(statusLine('*', 'BYE', 'bad\r\nnews'))).toBe('* BYE bad news\r\n');
    expect(text(statusLine('*', 'BYE', ''))).toBe('* BYE Done\r\n');
    expect(text(statusLine('a', 'BAD', 'Mailbox "收件箱" is bad'))).toBe('a BAD Mailbox "???" is bad\r\n');
    expect(text(statusLine('a', 'NO', '收件箱', undefined, { utf8: true }))).toBe('a NO 收件箱\r\n');
    expect(text(refusalLine(null, tooBigError('Command line too long')))).toBe(
      '* BAD [TOOBIG] Command line too long\r\n',
    );
    expect(text(continuation())).toBe('+ Ready for literal data\r\n');
  });
});

describe('data responses', () => {
  const session = { utf8: false, utf8Names: false };

  it('writes LIST with modified UTF-7 names, or UTF-8 under UTF8=ACCEPT', () => {
    const entry = { name: '收件箱/项目', attributes: ['\\HasNoChildren'], delimiter: '/' };
    expect(text(listResponse(entry, session))).toBe('* LIST (\\HasNoChildren) "/" "&ZTZO9nux-/&mHl27g-"\r\n');
    expect(text(listResponse(entry, { utf8: true, utf8Names: true }))).toBe(
      '* LIST (\\HasNoChildren) "/" "收件箱/项目"\r\n',
    );
    expect(text(listResponse({ name: 'A&B', attributes: [], delimiter: null }, session, 'LSUB'))).toBe(
      '* LSUB () NIL "A&-B"\r\n',
    );
    expect(
      text(
        listResponse(
          {
            name: 'Foo',
            attributes: ['\\Subscribed'],
            delimiter: '/',
            extended: [['CHILDINFO', ['SUBSCRIBED']]],
          },
          session,
        ),
      ),
    ).toBe('* LIST (\\Subscribed) "/" "Foo" ("CHILDINFO" ("SUBSCRIBED"))\r\n');
  });

  it('writes STATUS, SEARCH, ESEARCH, VANISHED, THREAD, NAMESPACE, QUOTA, ID, CAPABILITY', () => {
    expect(
      text(
        mailboxStatusResponse(
          'INBOX',
          [
            ['MESSAGES', 17],
            ['APPENDLIMIT', null],
          ],
          session,
        ),
      ),
    ).toBe('* STATUS "INBOX" (MESSAGES 17 APPENDLIMIT NIL)\r\n');
    expect(text(searchResponse([2, 84, 882], 917162500))).toBe('* SEARCH 2 84 882 (MODSEQ 917162500)\r\n');
    expect(text(searchResponse([]))).toBe('* SEARCH\r\n');
    expect(text(esearchResponse({ tag: 'A285', uid: true, min: 7, max: 3800 }))).toBe(
      '* ESEARCH (TAG "A285") UID MIN 7 MAX 3800\r\n',
    );
    expect(text(esearchResponse({ tag: 'a', uid: false, all: '2,10:11', count: 3 }))).toBe(
      '* ESEARCH (TAG "a") ALL 2,10:11 COUNT 3\r\n',
    );
    expect(text(vanishedResponse('41,43:116', true))).toBe('* VANISHED (EARLIER) 41,43:116\r\n');
    const leaf = (id: number) => ({ id, children: [] });
    const tree = [
      leaf(2),
      {
        id: 3,
        children: [
          {
            id: 6,
            children: [
              { id: 4, children: [leaf(23)] },
              { id: 44, children: [{ id: 7, children: [leaf(96)] }] },
            ],
          },
        ],
      },
    ];
    expect(text(threadResponse(tree))).toBe('* THREAD (2)(3 6 (4 23)(44 7 96))\r\n');
    expect(text(threadResponse([]))).toBe('* THREAD\r\n');
    // RFC 5256 §3's example: a dummy (a message not in the mailbox) at the top of a thread.
    const dummy = { id: null, children: [leaf(170), leaf(179)] };
    const dummyOfChains = { id: null, children: [{ id: 174, children: [leaf(175)] }, leaf(176)] };
    expect(text(threadResponse([leaf(172), dummy, dummyOfChains]))).toBe(
      '* THREAD (172)((170)(179))((174 175)(176))\r\n',
    );
    expect(text(namespaceResponse([['', '/']], null, null, session))).toBe(
      '* NAMESPACE (("" "/")) NIL NIL\r\n',
    );
    expect(text(quotaResponse('', [{ name: 'STORAGE', usage: 10, limit: 512 }]))).toBe(
      '* QUOTA "" (STORAGE 10 512)\r\n',
    );
    expect(
      text(
        idResponse([
          ['name', 'jdmail'],
          ['version', null],
        ]),
      ),
    ).toBe('* ID ("name" "jdmail" "version" NIL)\r\n');
    expect(text(idResponse(null))).toBe('* ID NIL\r\n');
    expect(text(capabilityResponse(['IMAP4rev2', 'IMAP4rev1'], 'ENABLED'))).toBe(
      '* ENABLED IMAP4rev2 IMAP4rev1\r\n',
    );
  });

  it('builds FETCH responses, leaving streamed bodies for the session to pipe', () => {
    const flags = fetchResponse(
      12,
      [
        ['UID', 447],
        ['FLAGS', [atom('\\Seen')]],
        ['MODSEQ', [917]],
      ],
      ascii,
    );
    expect(text(joinParts(flags))).toBe('* 12 FETCH (UID 447 FLAGS (\\Seen) MODSEQ (917))\r\n');
    const source = { any: 'stream' };
    const parts = fetchResponse(
      3,
      [
        ['UID', 9],
        ['BODY[]', { stream: source, size: 100 }],
      ],
      ascii,
    );
    expect(parts).toEqual([
      Buffer.from('* 3 FETCH (UID 9 BODY[] {100}\r\n'),
      { stream: source, size: 100 },
      Buffer.from(')\r\n'),
    ]);
    expect(() => joinParts(parts)).toThrow(/streamed literal/);
  });
});

describe('ENVELOPE and BODYSTRUCTURE', () => {
  const envelope: Envelope = {
    date: 'Wed, 17 Jul 1996 02:23:25 -0700 (PDT)',
    subject: 'IMAP4rev2 WG mtg summary and minutes',
    from: [{ name: 'Terry Gray', mailbox: 'gray', host: 'cac.washington.edu' }],
    sender: null,
    replyTo: [],
    to: [{ name: null, mailbox: 'imap', host: 'cac.washington.edu' }],
    cc: [
      { name: null, mailbox: 'minutes', host: 'CNRI.Reston.VA.US' },
      { name: 'John Klensin', mailbox: 'KLENSIN', host: 'MIT.EDU' },
    ],
    bcc: null,
    inReplyTo: null,
    messageId: '<B27397-0100000@cac.washington.edu>',
  };

  it('writes the RFC 9051 §8 sample envelope, filling sender and reply-to from From', () => {
    expect(text(untagged([envelopeValue(envelope)], ascii))).toBe(
      '* ("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" "IMAP4rev2 WG mtg summary and minutes" ' +
        '(("Terry Gray" NIL "gray" "cac.washington.edu")) (("Terry Gray" NIL "gray" "cac.washington.edu")) ' +
        '(("Terry Gray" NIL "gray" "cac.washington.edu")) ((NIL NIL "imap" "cac.washington.edu")) ' +
        '((NIL NIL "minutes" "CNRI.Reston.VA.US")("John Klensin" NIL "KLENSIN" "MIT.EDU")) NIL NIL ' +
        '"<B27397-0100000@cac.washington.edu>")\r\n',
    );
  });

  it('writes groups with start and end markers', () => {
    const withGroup = {
      ...envelope,
      to: [{ group: 'Team', members: [{ name: null, mailbox: 'a', host: 'x' }] }],
    };
    expect(text(untagged([envelopeValue(withGroup)], ascii))).toContain(
      '((NIL NIL "Team" NIL)(NIL NIL "a" "x")(NIL NIL NIL NIL))',
    );
  });

  const tree: MimePart = {
    type: 'multipart',
    subtype: 'mixed',
    parameters: [['boundary', 'b1']],
    size: 0,
    children: [
      {
        type: 'text',
        subtype: 'plain',
        parameters: [['charset', 'utf-8']],
        encoding: 'quoted-printable',
        size: 1152,
        lines: 23,
      },
      {
        type: 'application',
        subtype: 'pdf',
        parameters: [['name', '报告.pdf']],
        encoding: 'base64',
        size: 4554,
        disposition: { type: 'attachment', parameters: [['filename', '报告.pdf']] },
        language: ['zh'],
      },
      {
        type: 'message',
        subtype: 'rfc822',
        size: 300,
        lines: 10,
        message: { envelope, body: { type: 'text', subtype: 'plain', size: 100, lines: 4 } },
      },
    ],
  };

  it('writes BODY without and BODYSTRUCTURE with extension data; multipart children back to back', () => {
    expect(text(untagged([bodyStructureValue(tree, false)], ascii))).toMatch(
      /^\* \(\("TEXT" "PLAIN" \("CHARSET" "utf-8"\) NIL NIL "QUOTED-PRINTABLE" 1152 23\)\("APPLICATION" "PDF" \("NAME" \{10\}\r\n报告\.pdf\) NIL NIL "BASE64" 4554\)\("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 300 \(.*\) \("TEXT" "PLAIN" NIL NIL NIL "7BIT" 100 4\) 10\) "MIXED"\)\r\n$/s,
    );
    const full = text(untagged([bodyStructureValue(tree, true)], rev2));
    expect(full).toContain('"BASE64" 4554 NIL ("ATTACHMENT" ("FILENAME" "报告.pdf")) "zh" NIL)');
    expect(full).toMatch(/ "MIXED" \("BOUNDARY" "b1"\) NIL NIL NIL\)\r\n$/);
    expect(
      text(untagged([bodyStructureValue({ type: 'multipart', subtype: 'mixed', size: 0 }, false)], ascii)),
    ).toBe('* (("TEXT" "PLAIN" NIL NIL NIL "7BIT" 0 0) "MIXED")\r\n');
  });
});
