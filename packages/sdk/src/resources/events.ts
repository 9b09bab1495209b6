import { connectionError, JdMailError } from '../errors.js';
import type { HttpClient } from '../http.js';
import { backoffMs } from '../retry.js';
import { SseParser } from '../sse-parser.js';

/** One event as the stream delivers it: a CloudEvents 1.0 envelope. */
export interface StreamedEvent {
  specversion: '1.0';
  /** UUID v7, the same on every delivery of this event: de-duplicate by it. */
  id: string;
  source: string;
  /** `message.new`, `user.created` … (see the README's event catalogue). */
  type: string;
  /** RFC 3339. */
  time: string;
  subject?: string;
  datacontenttype: 'application/json';
  data: unknown;
  /** The log position, zero-padded; as a number it is the stream's `id` (the resume point). */
  sequence: string;
}

/** Options of {@link Events.stream}. */
export interface EventStreamOptions {
  /** Types or prefixes to receive: `['message.new', 'user.*']`; default all. */
  types?: string[];
  /** Resume after this event (its `sequence`, or the `id:` of the SSE frame); default: from now. */
  lastEventId?: string;
  /** Ends the iteration (no error) when aborted. */
  signal?: AbortSignal;
  /** No byte for this long (heartbeats come every 15 s by default) → reconnect. Default 45 000 ms. */
  idleTimeoutMs?: number;
  /** Longest wait between reconnection attempts. Default 30 000 ms. */
  maxReconnectDelayMs?: number;
}

/** Errors that end a stream for good: retrying cannot help (auth, scope, a bad request, a gone cursor). */
const fatal = (e: unknown) =>
  e instanceof JdMailError && e.kind !== 'connection' && e.kind !== 'server' && e.kind !== 'rate_limit';

/** `client.events`: the event log, live. */
export class Events {
  /** @internal Made by {@link JdMail}; use `jd.events`. */
  constructor(private readonly http: HttpClient) {}

  /**
   * Follows the event stream (`GET /events/stream`) as an async iterator of
   * CloudEvents. Reconnects by itself after a network failure or a server
   * restart, resuming after the last event it yielded (`Last-Event-ID`), so
   * nothing is lost; at-least-once, so de-duplicate by `id` if you store
   * events. Throws {@link GoneError} when the resume point is older than the
   * log keeps (`EVENT_CURSOR_EXPIRED`: resync, e.g. with `jd.mail.syncMailbox`),
   * and on auth errors.
   * Works in Node 18+ and browsers (fetch streaming; no EventSource).
   *
   * @example
   * const stop = new AbortController();
   * for await (const event of jd.events.stream({ types: ['message.new'], signal: stop.signal })) {
   *   console.log(event.type, event.subject, event.data);
   * }
   */
  async *stream(options: EventStreamOptions = {}): AsyncGenerator<StreamedEvent, void, undefined> {
    let lastEventId = options.lastEventId;
    for (let failures = 0; !options.signal?.aborted; ) {
      const connection = new AbortController();
      const stop = () => connection.abort();
      options.signal?.addEventListener('abort', stop, { once: true });
      let retryMs: number | undefined;
      try {
        const parser = new SseParser();
        for await (const message of this.connect(options, lastEventId, connection, parser)) {
          failures = 0;
          if (message.id !== undefined) lastEventId = message.id;
          yield JSON.parse(message.data) as StreamedEvent;
        }
        retryMs = parser.retryMs;
      } catch (error) {
        if (options.signal?.aborted) return;
        if (fatal(error)) throw error;
        failures++;
      } finally {
        options.signal?.removeEventListener('abort', stop);
        connection.abort();
      }
      const wait = Math.max(retryMs ?? 0, backoffMs(failures, 500, options.maxReconnectDelayMs ?? 30_000));
      await this.http.sleep(wait);
    }
  }

  /** One connection: the request, then the parsed messages until the body ends or stalls. */
  private async *connect(
    options: EventStreamOptions,
    lastEventId: string | undefined,
    connection: AbortController,
    parser: SseParser,
  ) {
    const res = await this.http.send(
      {
        method: 'GET',
        path: '/events/stream',
        query: { types: options.types?.length ? options.types.join(',') : undefined },
        headers: lastEventId === undefined ? {} : { 'last-event-id': lastEventId },
        signal: connection.signal,
      },
      'text/event-stream',
    );
    if (!res.body) throw connectionError('NETWORK_ERROR', 'The event stream answered without a body', null);
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    const idleMs = options.idleTimeoutMs ?? 45_000;
    let idle: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      clearTimeout(idle);
      idle = setTimeout(() => connection.abort(), idleMs);
    };
    try {
      for (;;) {
        arm();
        const { value, done } = await reader.read();
        if (done) return;
        yield* parser.push(value);
      }
    } finally {
      clearTimeout(idle);
      reader.releaseLock();
    }
  }
}
