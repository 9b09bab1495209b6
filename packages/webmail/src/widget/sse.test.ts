import { describe, expect, it } from 'vitest';
import { createSseParser } from './sse.js';

describe('the widget’s event-stream parser', () => {
  it('reads events cut anywhere, with ids, types, multi-line data and comments', () => {
    const p = createSseParser();
    const text =
      ': heartbeat\r\nid: 7\r\nevent: message.new\r\ndata: {"a":1}\r\n\r\n' +
      'id: 8\nevent: message.updated\ndata: line1\ndata: line2\n\n: ping\n\n';
    const events = [];
    for (let i = 0; i < text.length; i += 3) events.push(...p.push(text.slice(i, i + 3)));
    expect(events).toEqual([
      { id: '7', event: 'message.new', data: '{"a":1}' },
      { id: '8', event: 'message.updated', data: 'line1\nline2' },
    ]);
    expect(p.lastEventId()).toBe('8');
  });

  it('defaults the type to message, keeps the last id, and reports retry', () => {
    let retry = 0;
    const p = createSseParser((ms) => {
      retry = ms;
    });
    expect(p.push('retry: 2500\nid: 3\n\ndata: x\n\n')).toEqual([{ id: '3', event: 'message', data: 'x' }]);
    expect(retry).toBe(2500);
    expect(p.push('data: no end yet')).toEqual([]);
  });
});
