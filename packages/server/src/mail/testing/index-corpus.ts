/**
 * Messages for the index parse, shared by `parse-index.test.ts` (new parse
 * against mailparser) and `bench/parse-index` (timing). `typical` is what
 * delivery sees most; `tricky` is what a parser gets wrong.
 */
export interface CorpusMessage {
  name: string;
  raw: Buffer;
}

const crlf = (s: string) => s.replace(/\r?\n/g, '\r\n');
const msg = (name: string, text: string): CorpusMessage => ({ name, raw: Buffer.from(crlf(text), 'utf8') });

/** Quoted-printable (RFC 2045 §6.7) with soft breaks at 76, enough for fixtures. */
function qp(text: string): string {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    let enc = '';
    for (const byte of Buffer.from(line, 'utf8')) {
      const printable = byte >= 33 && byte <= 126 && byte !== 61;
      enc +=
        printable || byte === 32
          ? String.fromCharCode(byte)
          : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
    if (enc.endsWith(' ')) enc = `${enc.slice(0, -1)}=20`;
    while (enc.length > 76) {
      let cut = 75;
      const eq = enc.lastIndexOf('=', cut);
      if (eq > cut - 3) cut = eq; // never split an =XX escape
      out.push(`${enc.slice(0, cut)}=`);
      enc = enc.slice(cut);
    }
    out.push(enc);
  }
  return out.join('\n');
}

/** Base64 in 76-character lines, as MUAs send it. */
const b64 = (data: Buffer) => (data.toString('base64').match(/.{1,76}/g) ?? []).join('\n');

/** What Postfix's smtp-source sends with `-l 10240`: four headers, 128 numbered lines of X. */
function smtpSource(): CorpusMessage {
  const body = Array.from({ length: 128 }, (_, i) => `${i % 10}${'X'.repeat(77)}\r\n`).join('');
  const head =
    'From: <loadgen@client.test>\r\nTo: <rcpt@bench.test>\r\nDate: Sun, 29 Nov 2026 06:10:13 +0000 (UTC)\r\nMessage-Id: <0c7e.0003.0000@client.test>\r\n\r\n';
  return { name: 'smtp-source 10 KB plain', raw: Buffer.from(head + body, 'latin1') };
}

const TRACE = `Received: from mail-out.example.com (mail-out.example.com [192.0.2.10])
\tby mx.jdmail.test (jdmail) with ESMTPS id 7f3a9c;
\tSun, 29 Nov 2026 06:10:13 +0000
DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=s1;
\th=from:to:subject:date:message-id:mime-version;
\tbh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;
\tb=dzdVyOfAKCdLXdJOc9G2q8LoXSlEniSbav+yuU4zGeeruD00lszZVoG4ZHRNiYzR
MIME-Version: 1.0`;

const LOREM =
  'Thanks for joining the quarterly review. Below are the notes from Tuesday’s call, the résumé of open items and the next steps for the café project in Zürich. ';

function alternativeQp(): CorpusMessage {
  const text = `Hello team,\n\n${`${LOREM}\n`.repeat(14)}\nBest regards,\nZoë`;
  const html = `<html><body><p>Hello team,</p>\n${`<p style="margin:0 0 12px 0;font-family:Arial,sans-serif">${LOREM}</p>\n`.repeat(28)}<p>Best regards,<br>Zoë</p></body></html>`;
  return msg(
    'multipart/alternative, QP text + HTML',
    `${TRACE}
From: "Zoë Keller" <zoe.keller@example.com>
To: Team <team@jdmail.test>
Subject: =?UTF-8?Q?Quarterly_review_=E2=80=93_notes_and_next_steps?=
Date: Sun, 29 Nov 2026 07:10:13 +0100
Message-ID: <CAF=abc123.456@mail.example.com>
Content-Type: multipart/alternative; boundary="000000000000a1b2c3d4e5f6"

--000000000000a1b2c3d4e5f6
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

${qp(text)}
--000000000000a1b2c3d4e5f6
Content-Type: text/html; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

${qp(html)}
--000000000000a1b2c3d4e5f6--
`,
  );
}

function htmlOnly(): CorpusMessage {
  const row = (i: number) =>
    `<tr><td class="item"><a href="https://shop.example.com/p/${i}?utm_source=mail">Product&nbsp;${i}</a> &ndash; only &euro;${i}9.99 &amp; free shipping</td></tr>\n`;
  const html = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Weekly deals</title>
<style>body{margin:0;padding:0}.item{font:14px/1.4 Helvetica,Arial,sans-serif;color:#333}a{color:#0a66c2}</style></head>
<body><table width="100%"><tr><td><h1>This week&#8217;s deals</h1><p>Hi Ana, we picked these for you &mdash; don&#39;t miss out!</p></td></tr>
${Array.from({ length: 40 }, (_, i) => row(i)).join('')}</table></body></html>`;
  return msg(
    'HTML only',
    `${TRACE}
From: Example Shop <news@shop.example.com>
To: ana@jdmail.test
Subject: Weekly deals
Date: Sun, 29 Nov 2026 06:00:00 +0000
Message-ID: <deals-2026-48@shop.example.com>
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: 8bit

${html}
`,
  );
}

function withAttachment(): CorpusMessage {
  const pdf = Buffer.alloc(30_000, 0);
  for (let i = 0; i < pdf.length; i++) pdf[i] = (i * 7919) & 0xff;
  return msg(
    'base64 attachment',
    `${TRACE}
From: Ben <ben@example.org>
To: ana@jdmail.test
Subject: Invoice 2026-118
Date: Sun, 29 Nov 2026 06:00:00 +0000
Message-ID: <invoice-118@example.org>
Content-Type: multipart/mixed; boundary="mixed-b"

--mixed-b
Content-Type: text/plain; charset=us-ascii
Content-Transfer-Encoding: 7bit

Hi Ana, the invoice for November is attached.
Ben

--mixed-b
Content-Type: application/pdf; name="invoice-118.pdf"
Content-Disposition: attachment; filename="invoice-118.pdf"
Content-Transfer-Encoding: base64

${b64(pdf)}
--mixed-b--
`,
  );
}

// GBK bytes: 关于下周项目评审会议的安排 / 张三 / a short meeting notice.
const GBK_SUBJECT = 'udjT2s/C1tzP7sS/xsDJ87vh0um1xLCyxcU=';
const GBK_BODY =
  'uPfOu82sysKjugoKz8LW3Mj9yc/O58qutePU2sj9wqW74dLpytLV2b+qz+7Ev8bAyfO74dLpo6zH69e8yrGyzrzToaO74dLp0umzzMjnz8KjugoxLiDP7sS/vfi2yLvjsagKMi4gt+fP1cbAucAKMy4gz8LSu73Xts68xruuCgrQu9C7o6EK';

function gbk(): CorpusMessage {
  return msg(
    'GBK encoded words and body',
    `${TRACE}
From: =?GB2312?B?1cXI/Q==?= <ZhangSan@Example.CN>
To: =?GBK?B?1cXI/Q==?= <lisi@jdmail.test>
Subject: =?GBK?B?${GBK_SUBJECT}?=
Date: Mon, 30 Nov 2026 09:15:00 +0800
Message-ID: <20261130091500.1234@example.cn>
Content-Type: text/plain; charset="GBK"
Content-Transfer-Encoding: base64

${GBK_BODY}
`,
  );
}

// ISO-2022-JP: 会議のお知らせ / 山田太郎 / a two-line body (7bit, escape sequences).
function iso2022jp(): CorpusMessage {
  const body =
    '\x1b$B$*Hh$lMM$G$9!#Mh=5$N2q5D$K$D$$$FO"Mm$7$^$9!#\x1b(B\n\x1b$B>l=j$OBhFs2q5D<<$G$9!#\x1b(B\n';
  return msg(
    'ISO-2022-JP encoded words and body',
    `${TRACE}
From: =?ISO-2022-JP?B?GyRCOzNFREJATzobKEI=?= <yamada@example.jp>
To: suzuki@jdmail.test
Subject: =?ISO-2022-JP?B?GyRCMnE1RCROJCpDTiRpJDsbKEI=?=
Date: Mon, 30 Nov 2026 10:00:00 +0900
Message-ID: <jp-0001@example.jp>
Content-Type: text/plain; charset=ISO-2022-JP
Content-Transfer-Encoding: 7bit

${body}`,
  );
}

function foldedRecipients(): CorpusMessage {
  const people = Array.from({ length: 24 }, (_, i) => `"Member ${i}, Dept" <member${i}@Corp.Example>`);
  const fold = (list: string[]) => list.join(',\n ');
  return msg(
    'long folded To/Cc with groups',
    `${TRACE}
From: "Office of the CEO" <ceo@corp.example>
To: ${fold(people.slice(0, 12))},
 Project Team: alice@corp.example, "Bob (PM)" <bob@corp.example>;,
 ${fold(people.slice(12))}
Cc: =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <juergen@corp.example>, Board:;,
 undisclosed-recipients:;, Legal: "Doe, Jane" <JANE@corp.example>, carl@corp.example;
Subject: All hands: new office opening
Date: Tue, 1 Dec 2026 08:00:00 -0500
Message-ID: <all-hands-2026@corp.example>
Content-Type: text/plain; charset=utf-8

Dear all,

we are opening the new office on Monday. Details follow.
`,
  );
}

/** What delivery sees most, for timing and comparison. */
export const typicalMessages = (): CorpusMessage[] => [
  smtpSource(),
  alternativeQp(),
  htmlOnly(),
  withAttachment(),
  gbk(),
  iso2022jp(),
  foldedRecipients(),
];

const PDF_PART = `Content-Type: application/pdf; name="a.pdf"
Content-Disposition: attachment; filename="a.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQKJcOkw7zDtsOfCjIgMCBvYmoKPDwvTGVuZ3RoIDMgMCBSL0ZpbHRlci9GbGF0ZURl
`;

const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

/** What parsers get wrong: malformed input, odd encodings, unusual structure. */
export const trickyMessages = (): CorpusMessage[] => [
  msg('no header section', '\nJust a body line, no headers at all.\n'),
  msg('no From, Subject or Date', 'To: a@x.test\n\nHello without the usual headers.\n'),
  msg('header section only, no empty line', 'From: a@x.test\nSubject: only a header\n'),
  msg('empty body', 'From: a@x.test\nSubject: empty\n\n'),
  {
    name: 'bare LF line ends, multipart',
    raw: Buffer.from(
      'From: "Ann" <ann@x.test>\nTo: bob@x.test\nSubject: LF only\nContent-Type: multipart/alternative; boundary=lf\n\n--lf\nContent-Type: text/plain; charset=utf-8\n\nLine one\nline two\n--lf\nContent-Type: text/html\n\n<p>Line one</p>\n--lf--\n',
    ),
  },
  msg(
    'malformed addresses and date',
    'From: <<<\nTo: ,,, @@, "unterminated <x@y.test\nCc: a@b@c.test, <>, =?utf-8?B?ZXZpbEBiYWQudGVzdA==?=@x.test\nDate: yesterday\nMessage-ID:\n\nbody\n',
  ),
  msg(
    'encoded words folded across lines, one character split between two words',
    'From: a@x.test\nSubject: =?UTF-8?B?5YWz5LqO5LiL5ZGo?=\n =?UTF-8?B?6aG555uu6K+E5a6h?= /\n\t=?utf-8?B?5L2g5Q==?=\n =?utf-8?B?pb3kuJbnlYw=?=\n\nx\n',
  ),
  msg(
    'encoded display names',
    'From: =?utf-8?B?5byg5LiJ?= <Zhang.San@Example.COM>\nTo: "=?utf-8?Q?J=C3=BCrgen?=" <j@x.de>, =?UTF-8?Q?M=C3=BCller=2C_Anna?= <anna@x.de>,\n =?iso-8859-1?B?R3L832UsIEr8cmdlbg==?= <g@x.de>\nSubject: names\n\nx\n',
  ),
  msg(
    'raw 8-bit UTF-8 headers',
    'From: Jürgen Müller <j@x.de>\nTo: 张三 <zs@x.cn>\nSubject: Grüße 你好\n\nText äöü\n',
  ),
  {
    name: 'raw 8-bit Latin-1 header (not UTF-8)',
    raw: Buffer.from('From: J\xfcrgen <j@x.de>\r\nSubject: Gr\xfc\xdfe\r\n\r\nK\xf6ln\r\n', 'latin1'),
  },
  msg(
    'legacy charsets in encoded words',
    'From: a@x.test\nSubject: =?big5?B?w/ap87d8xLM=?= =?GB18030?B?iPO45pUygja749fc?= =?ISO-8859-1?Q?Gr=FC=DFe_aus_K=F6ln?=\n =?iso-8859-2?B?WmG/87PmIGfqtmyxIGphvPE=?= =?koi8-r?B?8NLJ18XU?= =?x-unknown?Q?plain?= =?ISO-2022-JP?Q?=1B$B2q5D=1B(B?=\n\nx\n',
  ),
  msg(
    'Message-ID without brackets, first Subject empty, duplicate To',
    'From: a@x.test\nTo: one@x.test\nTo: two@x.test\nMessage-ID: abc.123@x.test\nSubject:\nSubject: the second subject\nDate: Tue, 3 Feb 2026 10:00:00 +0800 (CST)\n\nx\n',
  ),
  msg(
    'group-only From, punycode and upper-case addresses',
    'From: undisclosed-recipients:;\nTo: A.User@XN--MNCHEN-3YA.DE, b@xn--mnchen-3ya.de\n\nx\n',
  ),
  msg(
    'text part after an attachment, nested alternative',
    `From: a@x.test
Subject: nested
Content-Type: multipart/mixed; boundary="outer"

--outer
${PDF_PART}
--outer
Content-Type: multipart/alternative; boundary="inner"

--inner
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: base64

${b64(Buffer.from('The text comes after the attachment. Grüße!\n'))}
--inner
Content-Type: text/html; charset=utf-8

<p>The text comes after the attachment.</p>
--inner--
--outer--
`,
  ),
  msg(
    'inline image in multipart/related is not an attachment',
    `From: a@x.test
Subject: related
Content-Type: multipart/related; boundary="rel"

--rel
Content-Type: multipart/alternative; boundary="alt"

--alt
Content-Type: text/plain

See the logo.
--alt
Content-Type: text/html

<p>See the <img src="cid:logo@x"> logo.</p>
--alt--
--rel
Content-Type: image/png
Content-ID: <logo@x>
Content-Disposition: inline
Content-Transfer-Encoding: base64

${PNG}
--rel--
`,
  ),
  msg(
    'inline image outside multipart/related is an attachment',
    `From: a@x.test
Subject: inline image
Content-Type: multipart/mixed; boundary="mix"

--mix
Content-Type: text/plain

Photo attached inline.
--mix
Content-Type: image/png
Content-Disposition: inline
Content-Transfer-Encoding: base64

${PNG}
--mix--
`,
  ),
  msg(
    'calendar invitation',
    'From: a@x.test\nSubject: invite\nContent-Type: multipart/mixed; boundary=c\n\n--c\nContent-Type: text/plain\n\nYou are invited.\n--c\nContent-Type: text/calendar; method=REQUEST\n\nBEGIN:VCALENDAR\nEND:VCALENDAR\n--c--\n',
  ),
  msg(
    'forwarded message attached',
    'From: a@x.test\nSubject: Fwd\nContent-Type: multipart/mixed; boundary=f\n\n--f\nContent-Type: text/plain\n\nForwarding this.\n--f\nContent-Type: message/rfc822\nContent-Disposition: attachment\n\nFrom: b@x.test\nSubject: original\n\nOriginal text.\n--f--\n',
  ),
  msg(
    'forwarded message inline',
    'From: a@x.test\nSubject: Fwd inline\nContent-Type: multipart/mixed; boundary=f\n\n--f\nContent-Type: text/plain\n\nForwarding this.\n--f\nContent-Type: message/rfc822\nContent-Disposition: inline\n\nFrom: b@x.test\nSubject: original\n\nOriginal text.\n--f--\n',
  ),
  msg(
    'HTML only inside multipart/related',
    `From: a@x.test\nSubject: html related\nContent-Type: multipart/related; boundary="r"\n\n--r\nContent-Type: text/html; charset=utf-8\n\n<html><body><h1>Hello &amp; welcome</h1><p>Newsletter text.</p></body></html>\n--r\nContent-Type: image/png\nContent-ID: <i@x>\nContent-Transfer-Encoding: base64\n\n${PNG}\n--r--\n`,
  ),
  msg(
    'format=flowed with delsp=yes',
    'From: a@x.test\nSubject: flowed\nContent-Type: text/plain; charset=utf-8; format=flowed; delsp=yes\n\nThis is a long line that was wra \npped by the sender.\n> quoted \n> text\n',
  ),
  msg(
    'quoted-printable text in ISO-8859-1',
    'From: a@x.test\nSubject: qp\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nGr=FC=DFe aus K=F6ln, 1 + 1 =3D 2, a soft=\n break.\n',
  ),
  // Longer than the first kilobyte a text part is decoded from: too little text in it, and enough.
  msg(
    'quoted-printable CJK past the first kilobyte',
    `From: a@x.test\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n${qp('会議の議事録をお送りします。'.repeat(25))}\n`,
  ),
  msg(
    'base64 text cut inside a character',
    `From: a@x.test\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n${b64(Buffer.from('Grüße, 你好! '.repeat(80)))}\n`,
  ),
  msg(
    'unknown body charset',
    'From: a@x.test\nContent-Type: text/plain; charset=x-made-up\n\nplain ascii body\n',
  ),
  msg(
    'multipart without a boundary',
    'From: a@x.test\nContent-Type: multipart/mixed\n\n--x\nContent-Type: text/plain\n\nlost\n--x--\n',
  ),
  msg(
    'first text part longer than the parsed head',
    `From: a@x.test\nContent-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/plain\n\n${'word '.repeat(2000)}\n--b\nContent-Type: text/html\n\n<p>x</p>\n--b--\n`,
  ),
  msg(
    'HTML style block past the parsed head in an alternative without text',
    `From: a@x.test\nContent-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/html\n\n<html><head><style>${'.x{color:red}'.repeat(600)}</style></head><body><p>Hello&nbsp;there</p></body></html>\n--b--\n`,
  ),
  msg('garbage header lines', 'Just garbage\r\n: no name\r\nFrom: a@x.test\r\n\r\nbody\r\n'),
  {
    name: 'binary noise',
    raw: Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919 + 13) & 0xff)),
  },
];
