import { describe, expect, it } from 'vitest';
import { createLineNormalizer } from './line-endings.js';

/** Normalizes `input` fed in pieces of `size` bytes. */
function normalize(input: string, size = 1): string {
  const next = createLineNormalizer();
  const b = Buffer.from(input, 'latin1');
  const out: Buffer[] = [];
  for (let i = 0; i < b.length; i += size) out.push(next(b.subarray(i, i + size)));
  out.push(next());
  return Buffer.concat(out).toString('latin1');
}

describe('createLineNormalizer', () => {
  it.each([1, 2, 3, 1000])('makes every line ending CRLF, in chunks of %i bytes', (size) => {
    expect(normalize('a\r\nb\nc\r\n', size)).toBe('a\r\nb\r\nc\r\n');
    expect(normalize('a\rb\r\r\nc\r', size)).toBe('a\r\nb\r\nc\r\n');
    expect(normalize('\n\n', size)).toBe('\r\n\r\n');
    expect(normalize('a\0b\r\0\nc', size)).toBe('ab\r\nc');
  });

  it.each([1, 2, 5, 64])('passes canonical text through unchanged in chunks of %i bytes', (size) => {
    const text = 'Subject: x\r\n\r\nline one\r\n\r\n..dot\r\nend\r\n';
    expect(normalize(text, size)).toBe(text);
  });

  it('leaves canonical text as it is, returning the very chunk', () => {
    const next = createLineNormalizer();
    const chunk = Buffer.from('Subject: x\r\n\r\nbody\r\n');
    expect(next(chunk)).toBe(chunk);
    expect(next().length).toBe(0);
  });

  it('turns smuggling sequences into ordinary dot lines: no bare CR or LF survives', () => {
    for (const seq of ['\n.\n', '\r.\r', '\r\n.\r', '\r.\r\n', '\n.\r\n', '\r\n.\n']) {
      const out = normalize(`hello${seq}MAIL FROM:<evil@x.test>\r\n`, 4);
      expect(out).toBe('hello\r\n.\r\nMAIL FROM:<evil@x.test>\r\n');
      expect(out.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/);
    }
  });
});
