import { AppError } from '../../shared/index.js';
import type { Logger } from '../../telemetry/index.js';
import { cursorExpired, type EventLog, type EventRecord, toCloudEvent } from '../index.js';
import { type EventFilter, matchesEvent } from './match.js';
import { sseComment, sseEvent, sseRetry } from './sse-format.js';

/** Where a stream writes: the HTTP response (`reply.raw`), or a stand-in in tests. */
export interface StreamSink {
  write(chunk: string): boolean;
  /** Bytes queued but not yet taken by the socket. */
  readonly writableLength: number;
  end(): void;
  destroy(): void;
  once(event: 'drain' | 'close', listener: () => void): unknown;
}

export interface EventHubOptions {
  log: EventLog;
  /** The CloudEvents `source`: this server's public URL (a function: the port may be known only after listen). */
  source: string | (() => string);
  /** A comment line is sent this often on every stream (proxies close idle connections). */
  heartbeatMs: number;
  /** A live stream whose unsent bytes pass this is closed; its client resumes with Last-Event-ID. */
  maxBufferedBytes: number;
  /** Open streams per credential (API key, app, user); one more is EVENT_STREAMS_EXCEEDED (429). */
  maxStreamsPerCredential: number;
  /** Events read per query, by the tail and by a catch-up. Default 500. */
  batchSize?: number;
  logger?: Logger;
}

/** What the hub has done since it started: for metrics, tests and the benchmark. */
export interface EventHubStats {
  streams: number;
  /** The position the node's tail has read up to. */
  tail: number;
  /** Queries the tail made (one per burst of appends, whatever the number of streams). */
  tailReads: number;
  /** Streams closed because their client did not keep up. */
  dropped: number;
}

interface Stream {
  credential: string;
  filter: EventFilter;
  sink: StreamSink;
  /** The last position this stream has been sent (or has been decided not to match). */
  position: number;
  /** While catching up from the log: what the tail read meanwhile, sent once the catch-up ends. */
  pending: EventRecord[] | null;
  closed: boolean;
}

/**
 * The SSE fan-out of one node. One tail follows the log (`onAppend` →
 * one `read` of every new event, whatever the number of streams) and hands
 * each event, framed once, to every live stream whose filter matches. A new
 * stream with a cursor first catches up with reads of its own (filtered by
 * its scope), while the tail keeps what arrives meanwhile in its `pending`;
 * positions decide what is sent, so the switch to live has no gap and no
 * duplicate. A client that cannot keep up is disconnected instead of
 * buffered without bound; it resumes from its Last-Event-ID.
 */
export function createEventHub(options: EventHubOptions) {
  const { log, logger } = options;
  const source = typeof options.source === 'string' ? () => options.source as string : options.source;
  const batch = options.batchSize ?? 500;
  /** Pending events kept for one catching-up stream before it is closed instead. */
  const maxPending = batch * 20;
  const streams = new Set<Stream>();
  /** Live streams by what their scope names, so an event is offered only to streams that may see it. */
  const index = {
    all: new Set<Stream>(),
    domain: new Map<string, Set<Stream>>(),
    address: new Map<string, Set<Stream>>(),
  };
  const catchingUp = new Set<Stream>();
  const perCredential = new Map<string, number>();
  const stats: EventHubStats = { streams: 0, tail: 0, tailReads: 0, dropped: 0 };
  let started: Promise<void> | undefined;
  let stopAppend: (() => void) | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let pumping = false;
  let again = false;
  let closing = false;

  /** The index entries of a domain- or address-scoped stream. */
  function keysOf(s: Stream): Array<[Map<string, Set<Stream>>, string]> {
    const { scope } = s.filter;
    if ('address' in scope) return [[index.address, scope.address]];
    return scope.domains === 'all' ? [] : scope.domains.map((d) => [index.domain, d]);
  }

  function register(s: Stream): void {
    const { scope } = s.filter;
    if ('domains' in scope && scope.domains === 'all') index.all.add(s);
    for (const [map, key] of keysOf(s)) {
      const set = map.get(key) ?? new Set<Stream>();
      map.set(key, set);
      set.add(s);
    }
  }

  function close(s: Stream, how: 'end' | 'destroy'): void {
    if (s.closed) return;
    s.closed = true;
    streams.delete(s);
    catchingUp.delete(s);
    for (const [map, key] of keysOf(s)) {
      const set = map.get(key);
      set?.delete(s);
      if (set?.size === 0) map.delete(key);
    }
    index.all.delete(s);
    stats.streams = streams.size;
    const n = (perCredential.get(s.credential) ?? 1) - 1;
    if (n > 0) perCredential.set(s.credential, n);
    else perCredential.delete(s.credential);
    if (how === 'end') s.sink.end();
    else s.sink.destroy();
  }

  /** Writes to a live stream; past the bound it is closed (the client resumes from the last id it got). */
  function send(s: Stream, chunk: string): void {
    s.sink.write(chunk);
    if (s.sink.writableLength > options.maxBufferedBytes) {
      stats.dropped++;
      logger?.info(
        { credential: s.credential, buffered: s.sink.writableLength },
        'event stream too slow; closed',
      );
      close(s, 'destroy');
    }
  }

  function deliver(records: EventRecord[]): void {
    const framed = new Map<number, string>();
    const frame = (r: EventRecord) => {
      let chunk = framed.get(r.position);
      if (chunk === undefined) {
        chunk = sseEvent(r.position, r.type, JSON.stringify(toCloudEvent(r, source())));
        framed.set(r.position, chunk);
      }
      return chunk;
    };
    for (const s of catchingUp) {
      s.pending?.push(...records);
      if ((s.pending?.length ?? 0) > maxPending) {
        stats.dropped++;
        close(s, 'destroy');
      }
    }
    // Each event goes to the streams that can match it only: 10,000 users' streams cost one lookup, not 10,000 tests.
    for (const r of records) {
      for (const set of [
        index.all,
        r.domain === null ? undefined : index.domain.get(r.domain),
        r.address === null ? undefined : index.address.get(r.address),
      ]) {
        if (!set) continue;
        for (const s of set) {
          if (s.closed || s.pending || r.position <= s.position) continue;
          s.position = r.position;
          if (matchesEvent(r, s.filter)) send(s, frame(r));
        }
      }
    }
  }

  /** Reads everything after the tail, once per burst of appends however many arrive meanwhile. */
  async function pump(): Promise<void> {
    if (pumping) {
      again = true;
      return;
    }
    pumping = true;
    try {
      do {
        again = false;
        for (;;) {
          stats.tailReads++;
          const records = await log.read({ after: stats.tail, scope: { domains: 'all' }, limit: batch });
          const last = records.at(-1);
          if (!last) break;
          deliver(records);
          stats.tail = last.position;
          if (records.length < batch) break;
        }
      } while (again && !closing);
    } catch (err) {
      logger?.error({ err }, 'the event stream tail could not read the log; retrying');
      setTimeout(() => void pump(), 1000).unref();
    } finally {
      pumping = false;
    }
  }

  function start(): Promise<void> {
    started ??= (async () => {
      stats.tail = await log.head();
      stopAppend = log.onAppend((position) => {
        if (position > stats.tail) void pump();
      });
      heartbeat = setInterval(() => {
        for (const s of streams) if (!s.pending) send(s, sseComment('heartbeat'));
      }, options.heartbeatMs);
      heartbeat.unref();
      // An append between head() and onAppend() would otherwise wait for the next one.
      void pump();
    })();
    return started;
  }

  /** Sends the log from `s.position` with the stream's own filter, then what the tail kept meanwhile. */
  async function catchUp(s: Stream): Promise<void> {
    for (;;) {
      const records = await log.read({
        after: s.position,
        scope: s.filter.scope,
        types: [...s.filter.types],
        limit: batch,
      });
      if (s.closed) return;
      for (const r of records) {
        // A backlog is sent at the client's pace (drain), not dropped: it is bounded by the log.
        if (!s.sink.write(sseEvent(r.position, r.type, JSON.stringify(toCloudEvent(r, source())))))
          await new Promise<void>((resolve) => {
            s.sink.once('drain', resolve);
            s.sink.once('close', resolve);
          });
        if (s.closed) return;
        s.position = r.position;
      }
      if (records.length < batch) break;
    }
    // The last read saw at least up to the tail's position when the stream joined: `pending` holds the rest.
    const pending = s.pending ?? [];
    s.pending = null;
    catchingUp.delete(s);
    deliverTo(s, pending);
  }

  function deliverTo(s: Stream, records: EventRecord[]): void {
    for (const r of records) {
      if (s.closed || r.position <= s.position) continue;
      s.position = r.position;
      if (matchesEvent(r, s.filter))
        send(s, sseEvent(r.position, r.type, JSON.stringify(toCloudEvent(r, source()))));
    }
  }

  return {
    stats: stats as Readonly<EventHubStats>,

    /**
     * Checks a new stream before its response starts (so the refusal is a
     * problem+json): the credential's stream cap, and that `after` is still
     * in the log (EVENT_CURSOR_EXPIRED, 410, when the retention passed it).
     */
    async admit(credential: string, after: number | null): Promise<void> {
      if (closing) throw new AppError('UNAVAILABLE', 'the server is shutting down');
      if ((perCredential.get(credential) ?? 0) >= options.maxStreamsPerCredential)
        throw new AppError('EVENT_STREAMS_EXCEEDED');
      if (after !== null && cursorExpired(after, await log.oldest()))
        throw new AppError('EVENT_CURSOR_EXPIRED', 'Last-Event-ID is older than the event log keeps; resync');
    },

    /**
     * Starts a stream on `sink` (headers already sent): from `after` when
     * given (a Last-Event-ID), else from now. Resolves once it is live.
     */
    async open(input: { credential: string; filter: EventFilter; after: number | null; sink: StreamSink }) {
      await start();
      const s: Stream = {
        credential: input.credential,
        filter: input.filter,
        sink: input.sink,
        position: input.after ?? stats.tail,
        pending: input.after !== null && input.after < stats.tail ? [] : null,
        closed: false,
      };
      perCredential.set(s.credential, (perCredential.get(s.credential) ?? 0) + 1);
      streams.add(s);
      register(s);
      if (s.pending) catchingUp.add(s);
      stats.streams = streams.size;
      input.sink.once('close', () => close(s, 'destroy'));
      input.sink.write(sseRetry(1000) + sseComment('jdmail events'));
      if (s.pending)
        await catchUp(s).catch((err: unknown) => {
          logger?.warn({ err }, 'an event stream could not catch up; closed');
          close(s, 'destroy');
        });
    },

    /** Ends every stream (at shutdown) and stops following the log. */
    async close(): Promise<void> {
      closing = true;
      if (heartbeat) clearInterval(heartbeat);
      stopAppend?.();
      for (const s of [...streams]) close(s, 'end');
    },
  };
}

export type EventHub = ReturnType<typeof createEventHub>;
