import { describe, expect, it } from 'vitest';
import { type LineEvent, LineReader } from './line-reader.js';

const lines = (events: LineEvent[]) => events.map((e) => (e.kind === 'line' ? e.text : '<too-long>'));

describe('LineReader', () => {
  it('splits pipelined commands in one chunk, in order, CRLF and bare LF alike', () => {
    const r = new LineReader(255);
    expect(lines(r.push(Buffer.from('STAT\r\nLIST 1\nUIDL\r\nRETR 2\r\n')))).toEqual([
      'STAT',
      'LIST 1',
      'UIDL',
      'RETR 2',
    ]);
    expect(r.pendingBytes).toBe(0);
  });

  it('joins a line split across chunks anywhere, between CR and LF too, and reports the begun line', () => {
    const r = new LineReader(255);
    expect(r.push(Buffer.from('US'))).toEqual([]);
    expect(r.pendingBytes).toBe(2);
    expect(r.push(Buffer.from('ER alice@example.com\r'))).toEqual([]);
    expect(lines(r.push(Buffer.from('\nPA')))).toEqual(['USER alice@example.com']);
    expect(r.pendingBytes).toBe(2);
    expect(lines(r.push(Buffer.from('SS secret\r\n')))).toEqual(['PASS secret']);
  });

  it('decodes UTF-8 even when a character is split between chunks', () => {
    const r = new LineReader(255);
    const bytes = Buffer.from('PASS 密码\r\n');
    expect(r.push(bytes.subarray(0, 6))).toEqual([]);
    expect(lines(r.push(bytes.subarray(6)))).toEqual(['PASS 密码']);
  });

  it('reports a line over the limit once, never buffers past the limit, and goes on after its LF', () => {
    const r = new LineReader(16);
    expect(lines(r.push(Buffer.from('NOOP\r\nUSER 0123456789abcdef')))).toEqual(['NOOP', '<too-long>']);
    expect(r.pendingBytes).toBe(1); // the client still owes the rest of the long line
    expect(r.push(Buffer.alloc(100_000, 0x41))).toEqual([]);
    expect(lines(r.push(Buffer.from('xyz\r\nSTAT\r\n')))).toEqual(['STAT']);
    expect(r.pendingBytes).toBe(0);
  });

  it('counts the CR toward the limit and accepts a line of exactly the limit', () => {
    const r = new LineReader(6);
    expect(lines(r.push(Buffer.from('ABCDE\r\nABCDEF\r\nABCDEFG\n')))).toEqual([
      'ABCDE',
      '<too-long>',
      '<too-long>',
    ]);
    expect(lines(r.push(Buffer.from('ABCDEF\n')))).toEqual(['ABCDEF']);
  });

  it('forgets a begun line on reset (STLS: nothing sent before the handshake is read after it)', () => {
    const r = new LineReader(255);
    r.push(Buffer.from('USER injected'));
    r.reset();
    expect(r.pendingBytes).toBe(0);
    expect(lines(r.push(Buffer.from('CAPA\r\n')))).toEqual(['CAPA']);
  });
});
