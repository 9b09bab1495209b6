import { describe, expect, it } from 'vitest';
import { TopFilter } from './top.js';

function top(message: string, lines: number, chunk = 1): { text: string; done: boolean } {
  const f = new TopFilter(lines);
  const bytes = Buffer.from(message);
  let text = '';
  for (let pos = 0; pos < bytes.length; pos += chunk) {
    const out = f.push(bytes.subarray(pos, pos + chunk));
    text += out.data.toString();
    if (out.done) return { text, done: true };
  }
  return { text, done: false };
}

const MESSAGE = 'From: a@b\r\nSubject: s\r\n\r\nline 1\r\nline 2\r\n\r\nline 4\r\n';

describe('TopFilter (RFC 1939 §7)', () => {
  it('sends the header, the empty line, then n body lines, and says when to stop reading', () => {
    for (const chunk of [1, 2, 5, 1000]) {
      expect(top(MESSAGE, 0, chunk)).toEqual({ text: 'From: a@b\r\nSubject: s\r\n\r\n', done: true });
      expect(top(MESSAGE, 1, chunk)).toEqual({
        text: 'From: a@b\r\nSubject: s\r\n\r\nline 1\r\n',
        done: true,
      });
      // An empty body line counts as a line.
      expect(top(MESSAGE, 3, chunk).text).toBe('From: a@b\r\nSubject: s\r\n\r\nline 1\r\nline 2\r\n\r\n');
    }
  });

  it('sends the whole message when n is past its end, and a message without a body whole', () => {
    expect(top(MESSAGE, 99)).toEqual({ text: MESSAGE, done: false });
    expect(top('Subject: only a header\r\n', 0)).toEqual({ text: 'Subject: only a header\r\n', done: false });
  });

  it('finds the end of the header with bare LFs too', () => {
    expect(top('A: 1\n\nb1\nb2\n', 1).text).toBe('A: 1\n\nb1\n');
  });

  it('does not take a header line of one CR-less character for the empty line', () => {
    expect(top('A: 1\r\nx\r\n\r\nbody\r\n', 0, 1).text).toBe('A: 1\r\nx\r\n\r\n');
  });
});
