/**
 * The store's side of the event log: the only writer of `event_log`.
 * `appendEvents` runs inside the transaction of the change the events
 * describe, so an event exists exactly when its change committed (a
 * transactional outbox). The catalogue of what each type carries is in
 * `events/catalogue.ts`; the store only knows the names.
 */
import { PostgresAdapter, sql } from 'kysely';
import { uuidV7 } from '../shared/index.js';
import type { SyncStatements } from './db.js';
import type { Executor } from './mailboxes.js';
import type { EventLogTable } from './schema.js';

/** Every event type, as `type` in the log and in CloudEvents. Extend only; names are permanent. */
export const EVENT_TYPES = [
  'message.new',
  'message.updated',
  'message.deleted',
  'mailbox.created',
  'mailbox.renamed',
  'mailbox.deleted',
  'user.created',
  'user.updated',
  'user.disabled',
  'user.enabled',
  'user.deleted',
  'group.created',
  'group.updated',
  'group.deleted',
  'delivery.queued',
  'delivery.delivered',
  'delivery.deferred',
  'delivery.bounced',
  'delivery.failed',
  'sync.completed',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** An event to append: what it is, whom it concerns, and its data (the type's catalogue schema). */
export interface NewEvent {
  type: EventType;
  /** The domain it belongs to (lower case); null for install-wide events (`sync.completed`). */
  domain: string | null;
  /** The mailbox owner or the user it is about; null when none. */
  address: string | null;
  data: Record<string, unknown>;
}

/** The PostgreSQL channel on which committed appends are announced (payload: the highest position). */
export const EVENTS_CHANNEL = 'jdmail_events';

/**
 * The advisory lock event-writing transactions take on PostgreSQL just
 * before their insert ("jdmailEv" as a 64-bit integer). See `appendEvents`.
 */
export const EVENT_LOCK_KEY = 7666372730839385462n;

/** Rows per INSERT: 7 parameters each, well below both engines' limits. */
const ROWS_PER_INSERT = 500;

/** The row of one event, its id and time fixed now. */
export function eventRow(e: NewEvent, time: number): Omit<EventLogTable, 'position'> {
  return {
    id: uuidV7(time),
    type: e.type,
    time,
    domain: e.domain,
    address: e.address,
    data: JSON.stringify(e.data),
  };
}

/** The domain of an address: what follows its last `@`, lower case. */
export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

/**
 * Appends events in the caller's transaction; call it as the transaction's
 * LAST statement.
 *
 * Positions must become visible in order: a reader that has seen position N
 * must never later find a new row below N. SQLite has one writer at a time,
 * so positions are taken and committed in order. On PostgreSQL a sequence
 * value taken by a transaction that commits later than one with a higher
 * value would appear "behind" a reader's cursor; so event-writing
 * transactions take one transaction-scoped advisory lock just before the
 * insert. The lock is released only after the commit is visible (PostgreSQL
 * ends the transaction in the proc array before releasing its locks), so the
 * next writer's positions are all higher and its commit later. The cost is
 * that event-writing transactions serialize from this insert to their commit
 * (one WAL flush each), which is why it must come last: nothing else then
 * waits while the lock is held, and no lock cycle can form through it.
 *
 * On PostgreSQL the same statement NOTIFYs `EVENTS_CHANNEL` with the highest
 * position: PostgreSQL delivers it only if the transaction commits, to every
 * node listening (`events/` wakes its readers on it).
 */
export async function appendEvents(trx: Executor, events: readonly NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  const time = Date.now();
  const rows = events.map((e) => eventRow(e, time));
  if (!(trx.getExecutor().adapter instanceof PostgresAdapter)) {
    for (let i = 0; i < rows.length; i += ROWS_PER_INSERT)
      await trx
        .insertInto('event_log')
        .values(rows.slice(i, i + ROWS_PER_INSERT))
        .execute();
    return;
  }
  await sql`select pg_advisory_xact_lock(${sql.lit(EVENT_LOCK_KEY.toString())}::bigint)`.execute(trx);
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    await trx
      .with('ins', (db) =>
        db
          .insertInto('event_log')
          .values(rows.slice(i, i + ROWS_PER_INSERT))
          .returning('position'),
      )
      .selectFrom('ins')
      .select(sql<string>`pg_notify(${EVENTS_CHANNEL}, max(position)::text)`.as('n'))
      .execute();
  }
}

/**
 * `appendEvents` for the SQLite delivery committer's thread, which runs its
 * transaction synchronously with statements compiled once
 * (`Database.statements`). Call it inside that transaction.
 */
export function syncEventAppender(db: Executor, statements: SyncStatements) {
  const insert = statements.prepare(
    db.insertInto('event_log').values({ id: '', type: '', time: 0, domain: null, address: null, data: '' }),
  );
  return (events: readonly NewEvent[]): void => {
    const time = Date.now();
    for (const e of events) {
      const r = eventRow(e, time);
      insert([r.id, r.type, r.time, r.domain, r.address, r.data]);
    }
  };
}
