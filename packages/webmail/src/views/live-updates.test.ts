import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FALLBACK_POLL_MS, followMailEvents, MAIL_EVENTS_URL } from './live-updates.js';

/** A stand-in for the browser's EventSource: the test fires its events. */
class FakeSource extends EventTarget {
  closed = false;
  constructor(readonly url: string) {
    super();
  }
  fire(type: string) {
    this.dispatchEvent(new Event(type));
  }
  close() {
    this.closed = true;
  }
}

describe('followMailEvents', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function follow() {
    const changes: string[] = [];
    let source: FakeSource | undefined;
    const stop = followMailEvents({
      onChange: (kind) => changes.push(kind),
      createSource: (url) => {
        source = new FakeSource(url);
        return source as unknown as EventSource;
      },
    });
    return { changes, source: source as FakeSource, stop };
  }

  it('opens the mail event stream and turns a burst of events into one refresh', () => {
    const { changes, source, stop } = follow();
    expect(source.url).toBe(MAIL_EVENTS_URL);
    source.fire('message.updated');
    source.fire('message.new');
    source.fire('mailbox.renamed');
    expect(changes).toEqual([]);
    vi.advanceTimersByTime(300);
    expect(changes).toEqual(['new']);
    source.fire('message.deleted');
    vi.advanceTimersByTime(300);
    expect(changes).toEqual(['new', 'other']);
    stop();
    expect(source.closed).toBe(true);
  });

  it('polls while the stream is down, and stops polling (catching up once) when it is back', () => {
    const { changes, source, stop } = follow();
    source.fire('error');
    vi.advanceTimersByTime(FALLBACK_POLL_MS * 2 + 300);
    expect(changes).toEqual(['other', 'other']);
    source.fire('open');
    vi.advanceTimersByTime(300);
    expect(changes).toEqual(['other', 'other', 'other']);
    vi.advanceTimersByTime(FALLBACK_POLL_MS * 3);
    expect(changes).toHaveLength(3);
    stop();
  });
});
