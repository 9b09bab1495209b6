import type { Logger } from 'pino';
import type { Database } from '../store/index.js';
import { decodeTraceCursor, encodeTraceCursor, fromRow, toRow } from './rows.js';
import type { MessageTrace, TraceEvent } from './types.js';

/** Rows per INSERT, and the buffer size that triggers a write before the timer does. */
const BATCH = 200;
/** Events past this many waiting are dropped (and counted): the trace must never hold the mail up. */
const MAX_BUFFERED = 50_000;
/** Rows per DELETE of the retention prune, so no statement holds the write lock for long. */
const PRUNE_CHUNK = 5000;

export interface MessageTraceOptions {
  database: Database;
  /** `trace.retentionDays`. */
  retentionDays: number;
  /** How long an event may wait in memory before it is written; default 1 s. */
  flushIntervalMs?: number;
  log?: Logger;
}

/** The trace with its upkeep: writes, retention, and a final flush at stop. */
export interface TraceStore extends MessageTrace {
  /** Writes everything buffered so far. */
  flush(): Promise<void>;
  /** Deletes events older than the retention; returns how many. */
  prune(now?: number): Promise<number>;
  /** Stops the timer and writes what is buffered. */
  stop(): Promise<void>;
}

/**
 * The message trace over the metadata database. `record` only buffers; a
 * timer (and a full buffer) writes the events in multi-row INSERTs.
 */
export function createMessageTrace(options: MessageTraceOptions): TraceStore {
  const { db } = options.database;
  const log = options.log;
  let buffer: TraceEvent[] = [];
  let writing: Promise<void> = Promise.resolve();
  let dropped = 0;
  let timer: NodeJS.Timeout | undefined;

  function write(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const events = buffer;
    buffer = [];
    if (events.length === 0) return writing;
    writing = writing.then(async () => {
      try {
        for (let i = 0; i < events.length; i += BATCH) {
          await db
            .insertInto('message_trace')
            .values(events.slice(i, i + BATCH).map(toRow))
            .execute();
        }
      } catch (err) {
        log?.warn({ err, events: events.length }, 'could not write message trace events');
      }
    });
    return writing;
  }

  return {
    record(event) {
      if (buffer.length >= MAX_BUFFERED) {
        if (dropped++ % 10_000 === 0) log?.warn({ dropped }, 'message trace buffer full; events dropped');
        return;
      }
      buffer.push(event);
      if (buffer.length >= BATCH) void write();
      else timer ??= setTimeout(() => void write(), options.flushIntervalMs ?? 1000).unref();
    },
    async query(filter, scope) {
      if (scope.domains !== 'all' && scope.domains.length === 0) return { items: [], nextCursor: null };
      let q = db.selectFrom('message_trace').selectAll();
      if (filter.messageId !== undefined) q = q.where('message_id', '=', filter.messageId);
      if (filter.from !== undefined) q = q.where('sender', '=', filter.from.toLowerCase());
      if (filter.to !== undefined) q = q.where('recipient', '=', filter.to.toLowerCase());
      if (filter.since !== undefined) q = q.where('at', '>=', filter.since);
      if (filter.until !== undefined) q = q.where('at', '<', filter.until);
      if (scope.domains !== 'all') {
        const domains = scope.domains.map((d) => d.toLowerCase());
        q = q.where((eb) =>
          eb.or([eb('sender_domain', 'in', domains), eb('recipient_domain', 'in', domains)]),
        );
      }
      if (filter.cursor) {
        const c = decodeTraceCursor(filter.cursor);
        q = q.where((eb) => eb.or([eb('at', '<', c.at), eb.and([eb('at', '=', c.at), eb('id', '<', c.id)])]));
      }
      const rows = await q
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(filter.limit + 1)
        .execute();
      const page = rows.slice(0, filter.limit);
      const last = page.at(-1);
      return {
        items: page.map(fromRow),
        nextCursor: rows.length > filter.limit && last ? encodeTraceCursor(Number(last.at), last.id) : null,
      };
    },
    flush: write,
    async prune(now = Date.now()) {
      const cutoff = now - options.retentionDays * 86_400_000;
      let removed = 0;
      for (;;) {
        const ids = await db
          .selectFrom('message_trace')
          .select('id')
          .where('at', '<', cutoff)
          .orderBy('at')
          .limit(PRUNE_CHUNK)
          .execute();
        if (ids.length === 0) return removed;
        const r = await db
          .deleteFrom('message_trace')
          .where(
            'id',
            'in',
            ids.map((x) => x.id),
          )
          .executeTakeFirst();
        removed += Number(r.numDeletedRows);
        if (ids.length < PRUNE_CHUNK) return removed;
      }
    },
    async stop() {
      await write();
    },
  };
}
