/**
 * The log of delivery attempts: what an admin reads to see why an endpoint
 * fails. Written in batches (it is a log, not the durability path: the
 * cursor is), so a busy stream of deliveries costs one insert per batch
 * rather than one transaction per event. A crash may lose the last batch's
 * records, never an event.
 */
import type { Kysely } from 'kysely';
import { AppError, newId } from '../../shared/index.js';
import type { DB, WebhookAttemptsTable } from '../../store/index.js';
import type { Page, WebhookAttempt } from './types.js';

/** Rows per INSERT: 13 columns each, well under SQLite's and PostgreSQL's parameter limits. */
const ROWS_PER_INSERT = 200;
/** How long records gather before they are written. */
const FLUSH_MS = 250;
/** Records waiting beyond this are dropped (with a count in the log line), so a stuck database cannot eat memory. */
const MAX_WAITING = 50_000;

export type AttemptInput = Omit<WebhookAttempt, 'id'> & { endpointId: string };

const toAttempt = (r: WebhookAttemptsTable): WebhookAttempt => ({
  id: r.id,
  eventId: r.event_id,
  eventType: r.event_type,
  position: Number(r.position),
  attempt: Number(r.attempt),
  at: Number(r.at),
  ok: Boolean(r.ok),
  status: r.status === null ? null : Number(r.status),
  durationMs: Number(r.duration_ms),
  error: r.error,
  response: r.response,
});

export interface AttemptLog {
  /** Queues a record, written with the others of this moment; returns its id. */
  record(a: AttemptInput): string;
  /** Writes what waits (tests, shutdown, and before a listing so it shows the latest). */
  flush(): Promise<void>;
  list(endpointId: string, q: { limit: number; cursor?: string }): Promise<Page<WebhookAttempt>>;
  /** Deletes records older than `before`; returns how many. */
  prune(before: number): Promise<number>;
}

export function createAttemptLog(
  db: Kysely<DB>,
  onError: (err: unknown, dropped: number) => void,
): AttemptLog {
  let waiting: WebhookAttemptsTable[] = [];
  let writing: Promise<void> | undefined;

  /** Writes everything waiting in one transaction (one commit); a failing one is written row by row. */
  async function drain(): Promise<void> {
    const rows = waiting;
    waiting = [];
    if (rows.length === 0) return;
    try {
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < rows.length; i += ROWS_PER_INSERT)
          await trx
            .insertInto('webhook_attempts')
            .values(rows.slice(i, i + ROWS_PER_INSERT))
            .execute();
      });
    } catch (err) {
      // An endpoint deleted meanwhile (foreign key) fails the batch: write the others one by one.
      if (rows.length === 1) return onError(err, 1);
      for (const row of rows)
        await db
          .insertInto('webhook_attempts')
          .values(row)
          .execute()
          .catch((e) => onError(e, 1));
    }
  }

  let wake: (() => void) | undefined;

  /**
   * Writes what waits after {@link FLUSH_MS} (at once when `now`): on SQLite
   * every write is a commit with an fsync on the main thread, so records
   * are gathered for a while rather than written one delivery at a time.
   */
  function schedule(now = false): void {
    if (now) wake?.();
    writing ??= new Promise<void>((resolve) => {
      const timer = setTimeout(done, now ? 0 : FLUSH_MS);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    })
      .then(drain)
      .finally(() => {
        writing = undefined;
        if (waiting.length > 0) schedule();
      });
  }

  return {
    record(a) {
      const id = newId(a.at);
      if (waiting.length >= MAX_WAITING) {
        onError(new Error('attempt log backlog full'), 1);
        return id;
      }
      waiting.push({
        id,
        endpoint_id: a.endpointId,
        event_id: a.eventId,
        event_type: a.eventType,
        position: a.position,
        attempt: a.attempt,
        at: a.at,
        ok: a.ok ? 1 : 0,
        status: a.status,
        duration_ms: a.durationMs,
        error: a.error,
        response: a.response,
      });
      schedule();
      return id;
    },

    async flush() {
      while (writing || waiting.length > 0) {
        schedule(true);
        await writing;
      }
    },

    async list(endpointId, q) {
      const cursor = q.cursor;
      if (cursor !== undefined && cursor !== '' && !/^[0-9A-Za-z_-]{1,64}$/.test(cursor))
        throw new AppError('INVALID_CURSOR');
      let query = db
        .selectFrom('webhook_attempts')
        .selectAll()
        .where('endpoint_id', '=', endpointId)
        .orderBy('id', 'desc')
        .limit(q.limit + 1);
      if (cursor) query = query.where('id', '<', cursor);
      const rows = await query.execute();
      const items = rows.slice(0, q.limit).map(toAttempt);
      const last = items[items.length - 1];
      return { items, nextCursor: rows.length > q.limit && last ? last.id : null };
    },

    async prune(before) {
      const r = await db.deleteFrom('webhook_attempts').where('at', '<', before).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}
