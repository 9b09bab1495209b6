/**
 * The event log's reading side: cursor reads with type and scope filters,
 * the head and the retention floor, wake-ups after commits, and the prune.
 * Rows are written only by the store's `appendEvents`, inside the
 * transactions of the changes they describe.
 */
import { sql } from 'kysely';
import type { Database, EventType } from '../store/index.js';
import type { Logger } from '../telemetry/index.js';
import { createAppendWatch } from './append-watch.js';
import type { EventLog, EventQuery, EventRecord } from './types.js';

/** The meta key holding the highest position the retention prune removed. */
export const PRUNED_THROUGH_KEY = 'events.pruned_through';

/** Rows deleted per statement by the prune, so one prune never holds the write lock long. */
const PRUNE_CHUNK = 5000;

export interface EventLogOptions {
  database: Database;
  log?: Logger;
}

/** The log with what its owner (main.ts) needs besides readers. */
export interface LocalEventLog extends EventLog {
  /** Removes events older than `retentionMs` before `now`; returns how many. */
  prune(now: number, retentionMs: number): Promise<number>;
  /** Stops listening for other nodes' appends. */
  close(): Promise<void>;
}

type Row = {
  position: number | bigint;
  id: string;
  type: string;
  time: number | bigint;
  domain: string | null;
  address: string | null;
  data: string;
};

function toRecord(r: Row): EventRecord {
  return {
    position: Number(r.position),
    id: r.id,
    type: r.type as EventType,
    time: Number(r.time),
    domain: r.domain,
    address: r.address,
    data: JSON.parse(r.data) as unknown,
  };
}

/** `LIKE` metacharacters in a type prefix are taken literally. */
const likePrefix = (prefix: string) => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

async function read(database: Database, q: EventQuery): Promise<EventRecord[]> {
  const { scope } = q;
  if ('domains' in scope && scope.domains !== 'all' && scope.domains.length === 0) return [];
  let query = database.db
    .selectFrom('event_log')
    .select(['position', 'id', 'type', 'time', 'domain', 'address', 'data'])
    .where('position', '>', q.after)
    .orderBy('position')
    .limit(q.limit);
  if ('address' in scope) query = query.where('address', '=', scope.address);
  else if (scope.domains !== 'all') query = query.where('domain', 'in', scope.domains);
  const types = q.types ?? [];
  if (types.length > 0) {
    const exact = types.filter((t) => !t.endsWith('.*'));
    const prefixes = types.filter((t) => t.endsWith('.*')).map((t) => t.slice(0, -1));
    query = query.where((eb) =>
      eb.or([
        ...(exact.length > 0 ? [eb('type', 'in', exact)] : []),
        ...prefixes.map((p) => eb('type', 'like', sql<string>`${likePrefix(p)} escape '\\'`)),
      ]),
    );
  }
  return (await query.execute()).map(toRecord);
}

async function head(database: Database): Promise<number> {
  const row = await database.db
    .selectFrom('event_log')
    .select((eb) => eb.fn.max('position').as('p'))
    .executeTakeFirst();
  return Number(row?.p ?? 0);
}

async function prunedThrough(database: Database): Promise<number> {
  const row = await database.db
    .selectFrom('meta')
    .select('value')
    .where('key', '=', PRUNED_THROUGH_KEY)
    .executeTakeFirst();
  return row ? Number(row.value) : 0;
}

/**
 * Deletes the oldest events, a prefix of the log by position (a node with a
 * skewed clock cannot leave a hole), in chunks, and records the highest
 * position removed so `oldest()` stays right when the log is empty.
 */
async function prune(database: Database, now: number, retentionMs: number): Promise<number> {
  const { db } = database;
  const cutoff = now - retentionMs;
  let removed = 0;
  for (;;) {
    const rows = await db
      .selectFrom('event_log')
      .select(['position', 'time'])
      .orderBy('position')
      .limit(PRUNE_CHUNK)
      .execute();
    let through = 0;
    for (const r of rows) {
      if (Number(r.time) >= cutoff) break;
      through = Number(r.position);
    }
    if (through === 0) return removed;
    removed += await db.transaction().execute(async (trx) => {
      const done = await trx.deleteFrom('event_log').where('position', '<=', through).executeTakeFirst();
      await trx.deleteFrom('meta').where('key', '=', PRUNED_THROUGH_KEY).execute();
      await trx
        .insertInto('meta')
        .values({ key: PRUNED_THROUGH_KEY, value: String(through) })
        .execute();
      return Number(done.numDeletedRows);
    });
    if (rows.length < PRUNE_CHUNK || through < Number(rows[rows.length - 1]?.position)) return removed;
  }
}

/** Builds the event log over an open (migrated) database. */
export function createEventLog(options: EventLogOptions): LocalEventLog {
  const { database } = options;
  const watch = createAppendWatch({
    database,
    head: () => head(database),
    log: options.log?.child({ component: 'events' }),
  });
  return {
    read: (q) => read(database, q),
    head: () => head(database),
    oldest: async () => (await prunedThrough(database)) + 1,
    onAppend: watch.onAppend,
    prune: (now, retentionMs) => prune(database, now, retentionMs),
    close: watch.close,
  };
}
