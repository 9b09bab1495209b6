import type { Database, QueueDomainsTable } from '../store/index.js';

/**
 * Takes up to `limit` due jobs for `owner` until `now + leaseMs`. A taken job
 * is `sending`, and its `next_attempt_at` is the lease's end: if its holder
 * dies, the job falls due again then, and the same query takes it over.
 *
 * PostgreSQL: `FOR UPDATE SKIP LOCKED` in the inner SELECT, so nodes sharing
 * the database each get different rows and never wait for each other; the
 * UPDATE's own `next_attempt_at <= now` is checked again on the locked row,
 * so a row another claimer has just taken (and moved to its lease's end) is
 * not taken twice. SQLite: one process owns the file and one loop claims, and
 * the statement runs in one write transaction.
 *
 * Both read `queue_domains_due` in order from its start and stop after
 * `limit` rows: the cost does not grow with the length of the queue.
 */
export async function claimDue(
  database: Database,
  owner: string,
  limit: number,
  now: number,
  leaseMs: number,
): Promise<QueueDomainsTable[]> {
  if (limit <= 0) return [];
  const { db } = database;
  const leaseUntil = now + leaseMs;
  let due = db
    .selectFrom('queue_domains')
    .select('id')
    .where('next_attempt_at', '<=', now)
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(limit);
  if (database.engine === 'postgres') due = due.forUpdate().skipLocked();
  const rows = await db
    .updateTable('queue_domains')
    .set({
      state: 'sending',
      lease_owner: owner,
      lease_until: leaseUntil,
      next_attempt_at: leaseUntil,
      updated_at: now,
    })
    .where('id', 'in', due)
    .where('next_attempt_at', '<=', now)
    .returningAll()
    .execute();
  return rows.sort((a, b) => Number(a.next_attempt_at) - Number(b.next_attempt_at) || (a.id < b.id ? -1 : 1));
}

/**
 * Puts back the jobs left `sending` by a process that is gone (SQLite, at
 * start: this process is the only one using the file, so every such job was
 * interrupted). Their attempt may or may not have reached the remote MTA:
 * this is the one delivery `kill -9` can make twice (README "Outbound queue").
 */
export async function releaseAbandoned(database: Database, now: number): Promise<number> {
  const { db } = database;
  const free = { lease_owner: null, lease_until: null, next_attempt_at: now, updated_at: now };
  const a = await db
    .updateTable('queue_domains')
    .set({ ...free, state: 'queued' })
    .where('state', '=', 'sending')
    .where('attempts', '=', 0)
    .executeTakeFirst();
  const b = await db
    .updateTable('queue_domains')
    .set({ ...free, state: 'deferred' })
    .where('state', '=', 'sending')
    .executeTakeFirst();
  return Number(a.numUpdatedRows) + Number(b.numUpdatedRows);
}

/** When the next job falls due (a lease's end included), or undefined when the queue is empty. */
export async function nextDueAt(database: Database): Promise<number | undefined> {
  const row = await database.db
    .selectFrom('queue_domains')
    .select('next_attempt_at')
    .orderBy('next_attempt_at')
    .limit(1)
    .executeTakeFirst();
  return row ? Number(row.next_attempt_at) : undefined;
}
