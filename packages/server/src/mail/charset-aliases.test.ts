import { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { searchDocument } from '../search/document.js';
import { parseBody } from './parse.js';
import { parseIndex } from './parse-index.js';

// A real GB2312 message as old Unix mailers write it: the bytes are GB2312 (EUC-CN), the label
// `eucgb2312_cn`, in the body's Content-Type, in an encoded-word subject and in an attachment name.
const SUBJECT = '关于合同的通知';
const BODY = '您好，附件是本季度的采购合同，请查收。';
const FILENAME = '合同.txt';
const gb = (s: string) => iconv.encode(s, 'gb2312');
const word = (s: string) => `=?eucgb2312_cn?B?${gb(s).toString('base64')}?=`;

function gb2312Message(bodyEncoding: '8bit' | 'base64'): Buffer {
  const body = bodyEncoding === 'base64' ? Buffer.from(gb(BODY).toString('base64')) : gb(BODY);
  return Buffer.concat([
    Buffer.from(
      'From: =?eucgb2312_cn?B?' +
        gb('张三').toString('base64') +
        '?= <zhang@example.cn>\r\n' +
        'To: li@example.com\r\n' +
        `Subject: ${word(SUBJECT)}\r\n` +
        'MIME-Version: 1.0\r\n' +
        'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n' +
        '--b1\r\n' +
        'Content-Type: text/plain; charset=eucgb2312_cn\r\n' +
        `Content-Transfer-Encoding: ${bodyEncoding}\r\n\r\n`,
    ),
    body,
    Buffer.from(
      '\r\n--b1\r\n' +
        `Content-Type: text/plain; charset=EUCGB2312_CN; name="${word(FILENAME)}"\r\n` +
        `Content-Disposition: attachment; filename="${word(FILENAME)}"\r\n` +
        'Content-Transfer-Encoding: base64\r\n\r\n' +
        `${gb('合同正文').toString('base64')}\r\n--b1--\r\n`,
    ),
  ]);
}

describe('the eucgb2312_cn charset label', () => {
  it('was unknown to the decoder (this is the mojibake the test guards against)', () => {
    expect(gb(BODY).toString('utf8')).not.toContain('合同');
  });

  for (const encoding of ['8bit', 'base64'] as const) {
    it(`reads as GB18030 in the message view, the list index and the search index (${encoding} body)`, async () => {
      const raw = gb2312Message(encoding);
      const view = await parseBody(Readable.from([raw]));
      expect(view.text?.trim()).toBe(BODY);
      expect(view.attachments.map((a) => a.filename)).toEqual([FILENAME]);

      const index = await parseIndex(raw, false);
      expect(index.subject).toBe(SUBJECT);
      expect(index.from?.name).toBe('张三');
      expect(index.preview).toBe(BODY);

      const doc = await searchDocument(raw);
      // Chinese is indexed as overlapping pairs of characters (search/tokens.ts).
      expect(doc.subject).toContain('合同');
      expect(doc.body).toEqual(expect.arrayContaining(['采购', '购合', '合同']));
      expect(doc.attachments).toContain('合同');
    });
  }
});
