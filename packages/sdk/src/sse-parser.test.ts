import { describe, expect, it } from 'vitest';
import { SseParser } from './sse-parser.js';

describe('SseParser (HTML §9.2.6)', () => {
  it('parses events split anywhere, with CRLF, CR and LF line ends, comments and multi-line data', () => {
    const text =
      ': hello\r\nretry: 2500\r\n\r\nid: 7\revent: message.new\rdata: {"a":1}\r\rdata: one\ndata:two\n\n';
    for (const size of [1, 2, 3, 5, 1000]) {
      const p = new SseParser();
      const got = [];
      for (let i = 0; i < text.length; i += size) got.push(...p.push(text.slice(i, i + size)));
      expect(got).toEqual([
        { id: '7', event: 'message.new', data: '{"a":1}' },
        // The last event ID carries over to an event without its own `id`.
        { id: '7', event: 'message', data: 'one\ntwo' },
      ]);
      expect(p.retryMs).toBe(2500);
      expect(p.lastEventId).toBe('7');
    }
  });

  it('dispatches nothing for an event without data, and ignores an id with NUL', () => {
    const p = new SseParser();
    expect(p.push('id: 3\nevent: x\n\nid: 4\u0000\ndata: d\n\n')).toEqual([
      { id: '3', event: 'message', data: 'd' },
    ]);
  });
});
