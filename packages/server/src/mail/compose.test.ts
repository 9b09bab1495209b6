import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { type ComposeInput, composeMessage, plainTextOf } from './compose.js';

const base: ComposeInput = {
  from: { name: 'Alice', address: 'alice@example.com' },
  hostname: 'mail.example.com',
  to: ['bob@example.com'],
  subject: 'Quarterly report',
  text: 'See attached.',
};

const headerBlock = (raw: Buffer) => raw.toString('utf8').split('\r\n\r\n')[0] as string;

describe('composeMessage', () => {
  it('without blind copies makes one message for everyone', async () => {
    const { raw, sentRaw, messageId } = await composeMessage(base);
    expect(sentRaw).toBeUndefined();
    const parsed = await simpleParser(raw);
    expect(parsed.messageId).toBe(messageId);
    expect(messageId).toMatch(/@mail\.example\.com>$/);
    expect(parsed.from?.text).toBe('"Alice" <alice@example.com>');
    expect(parsed.text?.trim()).toBe('See attached.');
  });

  it('keeps blind copies out of the recipients’ headers and in the sender’s copy', async () => {
    const { raw, sentRaw, messageId } = await composeMessage({
      ...base,
      cc: [{ name: 'Carol', address: 'carol@example.com' }],
      bcc: ['dave@example.com', { name: '王五', address: 'wang@example.com' }],
    });
    const delivered = headerBlock(raw);
    expect(delivered).not.toMatch(/^bcc:/im);
    expect(raw.toString()).not.toContain('dave@example.com');
    expect(raw.toString()).not.toContain('wang@example.com');
    expect(delivered).toMatch(/^Cc: "?Carol"? <carol@example\.com>/m);

    expect(sentRaw).toBeDefined();
    const sent = await simpleParser(sentRaw as Buffer);
    expect(sent.bcc && !Array.isArray(sent.bcc) ? sent.bcc.value : []).toEqual([
      { name: '', address: 'dave@example.com' },
      { name: '王五', address: 'wang@example.com' },
    ]);
    // The same message: one Message-ID and one Date for both copies.
    const recipients = await simpleParser(raw);
    expect([sent.messageId, recipients.messageId]).toEqual([messageId, messageId]);
    expect(sent.date?.getTime()).toBe(recipients.date?.getTime());
  });

  it('says "undisclosed recipients" when there are only blind copies', async () => {
    const { raw } = await composeMessage({ ...base, to: [], bcc: ['dave@example.com'] });
    expect(headerBlock(raw)).toMatch(/^To: "?undisclosed-recipients"?:;$/m);
    expect(raw.toString()).not.toContain('dave@example.com');
  });

  it('writes Reply-To, In-Reply-To and References; References defaults to In-Reply-To', async () => {
    const answer = await simpleParser(
      (
        await composeMessage({
          ...base,
          replyTo: [{ name: 'Help desk', address: 'help@example.com' }],
          inReplyTo: '<q1@partner.test>',
        })
      ).raw,
    );
    expect(answer.replyTo?.value).toEqual([{ name: 'Help desk', address: 'help@example.com' }]);
    expect(answer.inReplyTo).toBe('<q1@partner.test>');
    expect(answer.references).toBe('<q1@partner.test>');

    const thread = await simpleParser(
      (
        await composeMessage({
          ...base,
          inReplyTo: '<q2@partner.test>',
          references: ['<q1@partner.test>', '<q2@partner.test>'],
        })
      ).raw,
    );
    expect(thread.references).toEqual(['<q1@partner.test>', '<q2@partner.test>']);
  });

  it('attaches files from base64 with their names, types and inline content ids', async () => {
    const pdf = Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n', 'latin1');
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2, 3]);
    const { raw } = await composeMessage({
      ...base,
      html: '<p>Report</p><img src="cid:logo@portal.example.com">',
      attachments: [
        { filename: '季度报告 Q3.pdf', content: pdf.toString('base64') },
        {
          filename: 'logo.png',
          contentType: 'image/png',
          content: png.toString('base64'),
          contentId: 'logo@portal.example.com',
        },
      ],
    });
    const parsed = await simpleParser(raw);
    expect(parsed.text?.trim()).toBe('See attached.');
    // The inline image sits in a multipart/related part with the HTML, ahead of the PDF.
    const files = parsed.attachments.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      cid: a.cid,
      bytes: a.content.equals(a.filename === 'logo.png' ? png : pdf),
    }));
    expect(files).toEqual([
      { filename: 'logo.png', contentType: 'image/png', cid: 'logo@portal.example.com', bytes: true },
      { filename: '季度报告 Q3.pdf', contentType: 'application/pdf', cid: undefined, bytes: true },
    ]);
  });

  it('gives an HTML-only message a plain-text alternative, links kept', async () => {
    const html =
      '<html><head><style>p{color:red}</style></head><body><h1>Leave request</h1>' +
      '<p>Wang Wu asks for <b>3 days</b>.</p><ul><li>From 1 Dec</li><li>To 3 Dec</li></ul>' +
      '<p><a href="https://oa.example.com/leave/42">Approve or decline</a> · <img src="cid:logo" alt="logo"></p></body></html>';
    const { raw } = await composeMessage({ ...base, text: undefined, html });
    expect(headerBlock(raw)).toMatch(/^Content-Type: multipart\/alternative/m);
    const parsed = await simpleParser(raw);
    expect(parsed.html).toContain('<b>3 days</b>');
    const text = parsed.text ?? '';
    expect(text).toContain('LEAVE REQUEST');
    expect(text).toContain('Wang Wu asks for 3 days.');
    expect(text).toMatch(/\* From 1 Dec\n \* To 3 Dec/);
    expect(text).toContain('Approve or decline [https://oa.example.com/leave/42]');
    expect(text).not.toMatch(/color|cid:|<|>/);
  });

  it('converts hostile HTML too: nesting deeper than any recursion, and megabytes', async () => {
    const deep = `${'<div>'.repeat(200_000)}deep text${'</div>'.repeat(200_000)}`;
    expect(plainTextOf(deep)).toBe('deep text');
    const huge = `<p>${'word '.repeat(300_000)}</p><p>end</p>`;
    const text = plainTextOf(huge);
    expect(text.startsWith('word word')).toBe(true);
    expect(text.endsWith('word\nend')).toBe(true);
  });

  it('makes a valid message with no body at all', async () => {
    const { raw } = await composeMessage({ ...base, text: undefined, subject: 'Meeting moved to 3 pm' });
    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe('Meeting moved to 3 pm');
    expect(parsed.text ?? '').toBe('');
    expect(headerBlock(raw)).toMatch(/^Content-Type: text\/plain/m);
  });
});
