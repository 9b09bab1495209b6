import libmime from 'libmime';
import { describe, expect, it } from 'vitest';
import { parseIndex } from './parse-index.js';
import { subjectTagEdit } from './subject-tag.js';

const trace = 'Received: from a by b; Sun, 6 Dec 2026 08:00:00 +0000\r\n';
const msg = (header: string, body = 'Hello\r\n') => Buffer.from(`${header}\r\n${body}`, 'utf8');

/** The stored bytes: trace + the message with the replacement applied at its writer offsets. */
function stored(head: Buffer, tags: string[], whole = true): string | undefined {
  const written = Buffer.concat([Buffer.from(trace), head]);
  const edit = subjectTagEdit(head, tags, Buffer.byteLength(trace), whole);
  if (!edit) return undefined;
  const { start, end, bytes } = edit.replace;
  const out = Buffer.concat([written.subarray(0, start), bytes, written.subarray(end)]);
  // The head handed to the index is the stored message without the trace.
  expect(edit.head.equals(out.subarray(Buffer.byteLength(trace)))).toBe(true);
  return out.toString('utf8');
}

describe('subjectTagEdit (tagSubject)', () => {
  it('puts the tag in front of a one-line Subject, offsets counting the trace, CRLF kept', () => {
    const head = msg('From: a@x.test\r\nSubject: Hi there\r\nTo: b@y.test\r\n');
    expect(stored(head, ['[EXT]'])).toBe(
      `${trace}From: a@x.test\r\nSubject: [EXT] Hi there\r\nTo: b@y.test\r\n\r\nHello\r\n`,
    );
  });

  it('keeps a folded Subject and its encoded words as they were', () => {
    const head = msg('subject:   =?UTF-8?B?5Y+R56Wo?= and\r\n\tmore\r\n text\r\nTo: b@y.test\r\n');
    expect(stored(head, ['[EXT]'])).toBe(
      `${trace}Subject: [EXT] =?UTF-8?B?5Y+R56Wo?= and\r\n\tmore\r\n text\r\nTo: b@y.test\r\n\r\nHello\r\n`,
    );
  });

  it('tags a Subject whose value starts on a folded line, and an empty Subject', () => {
    expect(stored(msg('Subject:\r\n folded\r\n'), ['[EXT]'])).toBe(
      `${trace}Subject: [EXT]\r\n folded\r\n\r\nHello\r\n`,
    );
    expect(stored(msg('Subject: \r\nTo: b@y.test\r\n'), ['[EXT]'])).toBe(
      `${trace}Subject: [EXT]\r\nTo: b@y.test\r\n\r\nHello\r\n`,
    );
  });

  it('adds Subject: <tag> at the top of a header section without one', () => {
    expect(stored(msg('From: a@x.test\r\n'), ['[EXT]'])).toBe(
      `${trace}Subject: [EXT]\r\nFrom: a@x.test\r\n\r\nHello\r\n`,
    );
  });

  it('tags only the top-level header section, not a Subject in the body', () => {
    const head = msg('From: a@x.test\r\n', 'Subject: not a header\r\n');
    expect(stored(head, ['[EXT]'])).toBe(
      `${trace}Subject: [EXT]\r\nFrom: a@x.test\r\n\r\nSubject: not a header\r\n`,
    );
  });

  it('does not tag twice (also when the subject is an encoded word that starts with the tag)', () => {
    expect(subjectTagEdit(msg('Subject: [EXT] Hi\r\n'), ['[EXT]'], 0, true)).toBeUndefined();
    const encoded = libmime.encodeWord('[外部] 你好', 'B', 0);
    expect(subjectTagEdit(msg(`Subject: ${encoded}\r\n`), ['[外部]'], 0, true)).toBeUndefined();
    expect(stored(msg('Subject: [EXT] Hi\r\n'), ['[EXT]', '[B]'])).toBe(
      `${trace}Subject: [B] [EXT] Hi\r\n\r\nHello\r\n`,
    );
  });

  it('encodes a non-ASCII tag with RFC 2047, keeping the space before an encoded word', async () => {
    const plain = subjectTagEdit(msg('Subject: Invoice\r\n'), ['[外部]'], 0, true);
    expect(plain?.replace.bytes.toString('latin1')).toMatch(/^Subject: =\?UTF-8\?Q\?[^?]+\?= Invoice\r\n$/);
    expect((await parseIndex(plain?.head as Buffer, false)).subject).toBe('[外部] Invoice');
    const word = libmime.encodeWord('发票', 'B', 0);
    const beforeWord = subjectTagEdit(msg(`Subject: ${word}\r\n`), ['[外部]'], 0, true);
    expect((await parseIndex(beforeWord?.head as Buffer, false)).subject).toBe('[外部] 发票');
  });

  it('leaves the message alone when its header section goes on past the head', () => {
    const head = Buffer.from('From: a@x.test\r\nX-Long: aaaa\r\n');
    expect(subjectTagEdit(head, ['[EXT]'], 0, false)).toBeUndefined();
    // A Subject in the head whose next line (past it) could still fold into it: not touched either.
    expect(subjectTagEdit(Buffer.from('Subject: Hi\r\n'), ['[EXT]'], 0, false)).toBeUndefined();
    // Found with the field's end in the head: tagged.
    expect(subjectTagEdit(Buffer.from('Subject: Hi\r\nFrom: a\r\n'), ['[EXT]'], 0, false)).toBeDefined();
  });
});
