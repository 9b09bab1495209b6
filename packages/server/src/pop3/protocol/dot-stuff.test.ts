import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DotStuffer, DotUnstuffer } from './dot-stuff.js';

/** Encodes `message` cut into the given chunk sizes (cycled); returns the wire bytes. */
function stuff(message: Buffer, sizes: number[] = [message.length || 1]): Buffer {
  const s = new DotStuffer();
  const out: Buffer[] = [];
  for (let pos = 0, i = 0; pos < message.length; i++) {
    const n = sizes[i % sizes.length] as number;
    out.push(s.push(message.subarray(pos, pos + n)));
    pos += n;
  }
  out.push(s.end());
  return Buffer.concat(out);
}

/** Reads `wire` back as a client does, byte by byte; returns the message and what followed. */
function unstuff(wire: Buffer): { message: Buffer; done: boolean; rest: Buffer } {
  const u = new DotUnstuffer();
  const parts: Buffer[] = [];
  for (let i = 0; i < wire.length; i++) {
    const r = u.push(wire.subarray(i, i + 1));
    parts.push(r.data);
    if (r.done) return { message: Buffer.concat(parts), done: true, rest: wire.subarray(i + 1) };
  }
  return { message: Buffer.concat(parts), done: false, rest: Buffer.alloc(0) };
}

/** Random CRLF text whose lines often start with dots: the cases stuffing exists for. */
function dottyMessage(lines: number): Buffer {
  const pick = ['.', '..', '.\t', 'a.b', '', '.x.', 'From: x', ' .', '...'];
  const out: string[] = [];
  for (let i = 0; i < lines; i++) out.push(pick[(randomBytes(1)[0] as number) % pick.length] as string);
  return Buffer.from(`${out.join('\r\n')}\r\n`);
}

describe('DotStuffer and DotUnstuffer', () => {
  it('doubles a leading dot, leaves other dots alone, and ends with CRLF.CRLF', () => {
    const wire = stuff(Buffer.from('Subject: x\r\n\r\n.\r\n..two\r\na.b\r\n.x\r\n'));
    expect(wire.toString()).toBe('Subject: x\r\n\r\n..\r\n...two\r\na.b\r\n..x\r\n.\r\n');
  });

  it('gives CRLF-terminated messages back byte for byte, however the stream is cut', () => {
    for (let round = 0; round < 200; round++) {
      const message = dottyMessage(1 + round);
      const sizes = [1 + (round % 7), 1, 2, 13];
      const wire = stuff(message, sizes);
      expect(stuff(message)).toEqual(wire); // chunking never changes the output
      const back = unstuff(Buffer.concat([wire, Buffer.from('+OK next\r\n')]));
      expect(back.done).toBe(true);
      expect(back.message).toEqual(message);
      expect(back.rest.toString()).toBe('+OK next\r\n'); // the next pipelined response is untouched
    }
  });

  it('round-trips random binary-ish bodies (CRLF lines, any byte else) split at every position', () => {
    const body = Buffer.concat(
      Array.from({ length: 40 }, () =>
        Buffer.concat([randomBytes(5).map((b) => (b === 10 || b === 13 ? 46 : b)), Buffer.from('\r\n.')]),
      ),
    );
    const message = Buffer.concat([body, Buffer.from('\r\n')]);
    const whole = stuff(message);
    for (let cut = 1; cut < message.length; cut += 3) {
      expect(stuff(message, [cut])).toEqual(whole);
    }
    expect(unstuff(whole).message).toEqual(message);
  });

  it('sends a bare LF as CRLF (response lines end in CRLF), a split CR LF as it is', () => {
    expect(stuff(Buffer.from('a\nb\r\n.c\n'), [1]).toString()).toBe('a\r\nb\r\n..c\r\n.\r\n');
    expect(stuff(Buffer.from('a\r\nb\r\n'), [2]).toString()).toBe('a\r\nb\r\n.\r\n');
  });

  it('ends a message without a final line ending with CRLF before the terminator; an empty one is just "."', () => {
    expect(stuff(Buffer.from('no newline')).toString()).toBe('no newline\r\n.\r\n');
    expect(stuff(Buffer.from('.')).toString()).toBe('..\r\n.\r\n');
    expect(stuff(Buffer.alloc(0)).toString()).toBe('.\r\n');
  });

  it('returns the very chunk when nothing in it changes (no copy on the common path)', () => {
    const s = new DotStuffer();
    const chunk = Buffer.from('Subject: plain\r\n\r\nbody line\r\n');
    expect(s.push(chunk)).toBe(chunk);
  });
});
