import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { sourceOf } from '../fetch/testing.js';
import { scanBodyText } from './body-text.js';
import { bytesToText, decodeHeaderValue, headerFieldTexts } from './header-text.js';
import { sentDay } from './search-dates.js';
import { foldText, NeedleScanner } from './text-fold.js';

const b64 = (bytes: Buffer) => (bytes.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');

/** Quoted-printable of UTF-8 text, every non-ASCII byte escaped, soft breaks at 76. */
function qp(text: string): string {
  let out = '';
  let line = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const piece =
      byte >= 33 && byte <= 126 && byte !== 61
        ? String.fromCharCode(byte)
        : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    if (line.length + piece.length > 75) {
      out += `${line}=\r\n`;
      line = '';
    }
    line += piece;
  }
  return out + line;
}

async function found(raw: Buffer, needles: string[]) {
  const { source, message, blobs } = sourceOf(raw);
  const { root } = await source.structure(message);
  const scanner = new NeedleScanner(needles.map(foldText));
  const before = blobs.bytesRead;
  await scanBodyText(source, message, root, scanner);
  return { found: [...scanner.matches].sort(), read: blobs.bytesRead - before };
}

function multipart(parts: string[]): Buffer {
  return Buffer.from(
    `From: a@b.c\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n${parts.map((p) => `--b\r\n${p}\r\n`).join('')}--b--\r\n`,
    'utf8',
  );
}

describe('body text search', () => {
  it('finds Chinese in GBK base64, UTF-8 quoted-printable, Big5 and GB2312-labelled GBK parts', async () => {
    const gbk = iconv.encode('季度报告：请查收附件中的销售数据。', 'gbk');
    const big5 = iconv.encode('會議紀錄已更新', 'big5');
    const mislabelled = iconv.encode('镕基', 'gbk'); // 镕 is in GBK, not in GB2312
    const raw = multipart([
      `Content-Type: text/plain; charset=gbk\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64(gbk)}`,
      `Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${qp('项目进度 Project Status 正常')}`,
      `Content-Type: text/plain; charset=big5\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64(big5)}`,
      `Content-Type: text/plain; charset=gb2312\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64(mislabelled)}`,
    ]);
    expect(
      (await found(raw, ['销售数据', 'project status', '會議紀錄', '镕基', '不存在', 'progress'])).found,
    ).toEqual(['project status', '会議紀錄'.replace('会', '會'), '销售数据', '镕基'].map(foldText).sort());
  });

  it('matches case-insensitively and full-width as ASCII, across chunks and line breaks', async () => {
    const filler = 'x'.repeat(995);
    const raw = multipart([`Content-Type: text/plain\r\n\r\n${filler}Quarterly\r\nReview ＡＢＣ`]);
    expect((await found(raw, ['QUARTERLY REVIEW', 'abc'])).found).toEqual(['abc', 'quarterly review']);
  });

  it('searches the words of HTML, not its tags, with entities decoded', async () => {
    const raw = multipart([
      'Content-Type: text/html; charset=utf-8\r\n\r\n<p style="color:red">Caf&eacute; <b>menu</b> &amp; 价格&#x8868;</p>',
    ]);
    expect((await found(raw, ['café menu & 价格表', 'color'])).found).toEqual(['café menu & 价格表']);
  });

  it('reads no attachment that is not text, and stops once every needle is found', async () => {
    const attachment = b64(Buffer.alloc(300_000, 7));
    const raw = multipart([
      'Content-Type: text/plain\r\n\r\nthe needle is here',
      `Content-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n${attachment}`,
      `Content-Type: text/plain\r\n\r\n${'y'.repeat(200_000)}`,
    ]);
    const hit = await found(raw, ['needle']);
    expect(hit.found).toEqual(['needle']);
    expect(hit.read).toBeLessThan(1000);
    const miss = await found(raw, ['absent']);
    expect(miss.found).toEqual([]);
    expect(miss.read).toBeLessThan(210_000);
  });

  it('searches text inside an attached message', async () => {
    const raw = multipart(['Content-Type: message/rfc822\r\n\r\nSubject: fwd\r\n\r\n转发的正文']);
    expect((await found(raw, ['转发的正文'])).found).toEqual(['转发的正文']);
  });
});

describe('header text', () => {
  it('decodes encoded words in any charset and raw 8-bit bytes (UTF-8, else GB18030)', () => {
    expect(decodeHeaderValue('=?gb2312?B?1tDOxA==?= <g@h.i>')).toBe('中文 <g@h.i>');
    expect(decodeHeaderValue(Buffer.from('季度报告', 'utf8').toString('latin1'))).toBe('季度报告');
    expect(decodeHeaderValue(iconv.encode('季度报告', 'gbk').toString('latin1'))).toBe('季度报告');
    expect(bytesToText(Buffer.from('plain'))).toBe('plain');
    expect(
      headerFieldTexts(Buffer.from('X-Tag: =?utf-8?B?5Lit5paH?=\r\nSubject : A\r\n  B\r\n\r\n')),
    ).toEqual([
      ['x-tag', '中文'],
      ['subject', 'a b'],
    ]);
  });

  it('reads the day of a Date header in its own time zone', () => {
    expect(sentDay('Tue, 3 Feb 2026 01:00:00 +0800')).toBe(20260203);
    expect(sentDay('Mon, 2 Feb 2026 23:30:00 -0500 (EST)')).toBe(20260202);
    expect(sentDay('3 Feb 26 10:00 GMT')).toBe(20260203);
    expect(sentDay('yesterday')).toBeNull();
    expect(sentDay(undefined)).toBeNull();
  });
});
