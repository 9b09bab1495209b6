import { describe, expect, it } from 'vitest';
import type { MessageIndex } from '../store/index.js';
import { parseIndex, previewOf } from './parse-index.js';
import { type CorpusMessage, trickyMessages, typicalMessages } from './testing/index-corpus.js';
import { mailparserIndex } from './testing/mailparser-index.js';

/**
 * Where the lean parse deliberately differs from mailparser, the value it gives instead and why.
 * Every other field of every corpus message must be equal.
 */
const DIFFERENCES: Record<string, Partial<MessageIndex> & { why: string }> = {
  'HTML only': {
    why: 'mailparser renders HTML with html-to-text, which upper-cases headings and appends link targets in brackets; a preview wants only the visible text',
    preview:
      "This week’s deals Hi Ana, we picked these for you — don't miss out! Product 0 – only €09.99 & free shipping Product 1 – only €19.99 & free shipping Product 2 – only €29.99 & free shipping Product 3 –…",
  },
  'forwarded message inline': {
    why: 'mailparser puts the header block of an inline message/rfc822 part (From, Subject, Date …) into the text; the preview keeps to text parts',
    preview: 'Forwarding this. Original text.',
  },
  'HTML only inside multipart/related': {
    why: 'mailparser converts HTML to text only when the HTML is the whole message; a message with no plain text is previewed from its HTML wherever it sits',
    preview: 'Hello & welcome Newsletter text.',
  },
  'HTML style block past the parsed head in an alternative without text': {
    why: 'as above: an alternative with only an HTML part has no text for mailparser',
    preview: 'Hello there',
  },
};

const corpus: CorpusMessage[] = [...typicalMessages(), ...trickyMessages()];

describe('parseIndex gives the index mailparser gives', () => {
  it.each(corpus.map((m) => [m.name, m] as const))('%s', async (name, m) => {
    const { why, ...expected } = DIFFERENCES[name] ?? { why: '' };
    const reference = await mailparserIndex(m.raw, false);
    const lean = await parseIndex(m.raw, false);
    expect(lean).toEqual({ ...reference, ...expected });
    if (why)
      for (const key of Object.keys(expected))
        expect(lean).not.toHaveProperty(key, reference[key as keyof MessageIndex]);
  });

  it('lists every deliberate difference against a corpus message', () => {
    expect(Object.keys(DIFFERENCES).filter((name) => !corpus.some((m) => m.name === name))).toEqual([]);
  });
});

describe('parseIndex on broken input', () => {
  it('never throws, whatever the cut: every corpus message cut every 61 bytes', async () => {
    for (const m of corpus) {
      for (let end = 0; end < Math.min(m.raw.length, 3000); end += 61) {
        const ix = await parseIndex(m.raw.subarray(0, end), false);
        expect(typeof ix.preview).toBe('string');
        expect(typeof ix.from.address).toBe('string');
      }
    }
  });

  it('gives empty fields for an empty message and keeps what ingest saw', async () => {
    expect(await parseIndex(Buffer.alloc(0), true)).toEqual({
      from: { name: '', address: '' },
      to: [],
      cc: [],
      subject: '',
      date: null,
      messageId: null,
      preview: '',
      hasAttachments: true,
    });
  });

  it('leaves the preview empty where mailsplit gives up, but keeps the header fields', async () => {
    // parts without text, so the first 4 KB give no preview and the whole head is split: past mailsplit's 1,000 parts
    const parts = '--b\r\nContent-Type: image/gif\r\n\r\n\r\n'.repeat(3000);
    const raw = Buffer.from(
      `Subject: many parts\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n${parts}--b--\r\n`,
    );
    await expect(mailparserIndex(raw, false)).rejects.toThrow(/child nodes/);
    const ix = await parseIndex(raw, false);
    expect(ix).toMatchObject({ subject: 'many parts', preview: '', hasAttachments: true });
  });
});

describe('parseIndex on text no database stores alike', () => {
  it('drops NUL and turns unpaired surrogates into U+FFFD in every field, raw or encoded', async () => {
    const raw = Buffer.from(
      [
        'From: "Bad\u0000 Sender" <bad@sender.test>',
        'To: =?utf-8?q?Nul=00Name?= <to@example.com>, "Half =?utf-16be?b?2AA=?=" <half@example.com>',
        'Cc: c\u0000c@example.com',
        'Subject: hello\u0000 =?utf-8?b?d29ybGQA?= =?utf-16be?b?2D0=?=',
        'Message-ID: <id\u0000@sender.test>',
        '',
        'body\u0000 text',
        '',
      ].join('\r\n'),
      'latin1',
    );
    const ix = await parseIndex(raw, false);
    const texts = JSON.stringify(ix);
    expect(texts).not.toMatch(/\\u0000|\\ud[89a-f]/i); // escaped NUL or surrogate halves in the JSON
    expect(ix).toMatchObject({
      from: { name: 'Bad Sender', address: 'bad@sender.test' },
      to: [
        { name: 'NulName', address: 'to@example.com' },
        { name: 'Half \ufffd', address: 'half@example.com' },
      ],
      subject: 'hello world\ufffd',
      messageId: '<id@sender.test>',
      preview: 'body text',
    });
  });
});

describe('previewOf', () => {
  const naive = (text: string) => {
    const flat = text.replace(/\s+/g, ' ').trim();
    return flat.length > 200 ? `${flat.slice(0, 199)}…` : flat;
  };

  it('collapses whitespace and cuts at 200 characters, reading only the words it needs', () => {
    const texts = [
      '',
      ' \r\n\t ',
      'a',
      `  ${'x'.repeat(199)} `,
      'x'.repeat(200),
      'x'.repeat(201),
      `${'ab '.repeat(66)}c`,
      `${'ab '.repeat(66)}cd`,
      `${'ab\u00a0\n'.repeat(100)}`,
      `\u3000${'漢字 '.repeat(80)}`,
      `${'y'.repeat(150)}\n\n${'z'.repeat(150)}`,
    ];
    for (const t of texts) expect(previewOf(t)).toBe(naive(t));
  });
});
