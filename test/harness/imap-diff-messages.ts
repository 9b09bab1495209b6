/**
 * The messages the differential IMAP tests (imap-diff.test.ts) load into
 * jdmail and Dovecot alike: realistic mail of the kinds FETCH and SEARCH must
 * take apart — Chinese in UTF-8 and GBK, quoted-printable and base64, nested
 * multiparts, an attached message, an attachment named in RFC 2231 — each
 * with CRLF line ends, as APPEND carries them.
 */

const crlf = (lines: string[]) => `${lines.join('\r\n')}\r\n`;

/** A plain UTF-8 (8bit) message with a Chinese subject, sender name and body. */
export const PLAIN_UTF8 = crlf([
  'From: =?UTF-8?B?5p2O5aic?= <li.na@example.test>',
  'To: Ana <ana@example.test>',
  'Cc: bob@example.test, "Carol C." <carol@example.test>',
  'Subject: =?UTF-8?B?5a2j5bqm5oql5ZGK?= Q3',
  'Date: Mon, 05 Jan 2026 08:00:00 +0800',
  'Message-ID: <q3@example.test>',
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: 8bit',
  '',
  '第三季度报告已经完成。',
  'Revenue grew 12 percent.',
]);

/** GBK text, quoted-printable, with a GBK encoded-word subject, as Chinese clients still send. */
export const GBK_QP = crlf([
  'From: =?GBK?B?1cXA2g==?= <zhang.wei@example.cn>',
  'To: ana@example.test',
  'Reply-To: meetings@example.cn',
  'Subject: =?GBK?B?1KTL47vh0uk=?=',
  'Date: Wed, 07 Jan 2026 14:15:00 +0800',
  'Message-ID: <budget@example.cn>',
  'In-Reply-To: <q3@example.test>',
  'References: <q3@example.test>',
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset="GBK"',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  '=BB=E1=D2=E9=BC=CD=D2=AA=A3=BA=B5=DA=C8=FD=BC=BE=B6=C8=D4=A4=CB=E3=D2=D1=BE=',
  '=AD=C5=FA=D7=BC=A1=A3',
  '=C7=EB=B2=E9=CA=D5=B8=BD=BC=FE=A1=A3',
]);

/**
 * multipart/mixed: a multipart/alternative (plain and HTML), an attachment
 * named in RFC 2231 (季度报告.pdf), and an attached message/rfc822.
 */
export const MIXED = crlf([
  'From: Bob Smith <bob@example.test>',
  'Sender: assistant@example.test',
  'To: ana@example.test, team: dev1@example.test, dev2@example.test;',
  'Subject: minutes and the report',
  'Date: Tue, 06 Jan 2026 09:30:00 +0000',
  'Message-ID: <minutes@example.test>',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="outer"',
  '',
  'This is a multi-part message in MIME format.',
  '--outer',
  'Content-Type: multipart/alternative; boundary="alt"',
  '',
  '--alt',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'Minutes attached. =E4=BC=9A=E8=AE=AE=E7=BA=AA=E8=A6=81',
  '--alt',
  'Content-Type: text/html; charset=utf-8',
  'Content-Transfer-Encoding: base64',
  '',
  'PHA+TWludXRlcyBhdHRhY2hlZC4g5Lya6K6u57qq6KaBPC9wPg==',
  '--alt--',
  '--outer',
  "Content-Type: application/pdf; name*=UTF-8''%E5%AD%A3%E5%BA%A6%E6%8A%A5%E5%91%8A.pdf",
  'Content-Transfer-Encoding: base64',
  "Content-Disposition: attachment; filename*=UTF-8''%E5%AD%A3%E5%BA%A6%E6%8A%A5%E5%91%8A.pdf",
  'Content-ID: <report@example.test>',
  'Content-Description: the report',
  '',
  'JVBERi0xLjQKJcOkw7zDtsOfCjEgMCBvYmoKPDwvVHlwZS9DYXRhbG9nPj4KZW5kb2JqCg==',
  '--outer',
  'Content-Type: message/rfc822',
  '',
  'From: Carol <carol@example.test>',
  'To: bob@example.test',
  'Subject: =?UTF-8?Q?=E9=A2=84=E7=AE=97?= draft',
  'Date: Sun, 04 Jan 2026 18:00:00 -0500',
  'Message-ID: <draft@example.test>',
  'Content-Type: text/plain; charset=us-ascii',
  '',
  'The draft budget.',
  '--outer--',
]);

/** A short ASCII reply, no MIME headers at all (text/plain us-ascii by default). */
export const ASCII_REPLY = crlf([
  'From: carol@example.test',
  'To: ana@example.test',
  'Subject: Re: minutes and the report',
  'Date: Thu, 08 Jan 2026 23:59:59 -0800',
  'Message-ID: <reply@example.test>',
  'In-Reply-To: <minutes@example.test>',
  'References: <minutes@example.test>',
  'X-Priority: 1',
  '',
  'Thanks, looks good.',
  '',
  '-- ',
  'Carol',
]);

/** A base64 UTF-8 HTML-only message, the largest of the set. */
export const HTML_BASE64 = crlf([
  'From: "Newsletter" <news@example.org>',
  'To: ana@example.test',
  'Subject: =?UTF-8?B?5pys5ZGo5paw6Ze7?=',
  'Date: Fri, 09 Jan 2026 06:00:00 +0800',
  'Message-ID: <news-1@example.org>',
  'MIME-Version: 1.0',
  'Content-Type: text/html; charset=UTF-8',
  'Content-Transfer-Encoding: base64',
  '',
  ...(Buffer.from(
    `<html><body>${'<p>本周新闻：公司年会将于一月举行。Annual meeting in January.</p>'.repeat(12)}</body></html>`,
  )
    .toString('base64')
    .match(/.{1,76}/g) ?? []),
]);

/** The set in APPEND order, with the flags and internal dates each is appended with. */
export const MESSAGES: { raw: string; flags: string; date: string }[] = [
  { raw: PLAIN_UTF8, flags: '(\\Seen)', date: '05-Jan-2026 08:00:05 +0800' },
  { raw: MIXED, flags: '(\\Flagged $Forwarded)', date: '06-Jan-2026 09:30:05 +0000' },
  { raw: GBK_QP, flags: '()', date: '07-Jan-2026 14:15:05 +0800' },
  { raw: ASCII_REPLY, flags: '(\\Answered \\Seen)', date: '09-Jan-2026 07:59:59 +0000' },
  { raw: HTML_BASE64, flags: '($Junk)', date: '09-Jan-2026 06:00:05 +0800' },
];
