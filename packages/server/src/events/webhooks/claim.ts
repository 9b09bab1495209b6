/**
 * The delivery worker's hold on endpoints, as the outbound queue's jobs
 * (queue/claim.ts): a node takes an endpoint with a lease, so one node at a
 * time delivers to it and its events stay in order; it renews the lease
 * while it works and gives it back with the endpoint's new state. If the
 * node dies, the lease runs out and another node (PostgreSQL) or the
 * restarted one takes over from the last saved cursor: events after it are
 * delivered again (at-least-once; receivers de-duplicate by `webhook-id`).
 */
import type { Database, WebhookEndpointsTable } from '../../store/index.js';
import type { EndpointRow } from './endpoints.js';

/**
 * Takes up to `limit` enabled endpoints that have events to deliver (cursor
 * below `head`), are due (not waiting for a retry) and free (no live lease).
 * A read first, so an idle worker writes nothing. PostgreSQL: `FOR UPDATE
 * SKIP LOCKED` as the queue, and the UPDATE checks the lease again on the
 * locked row, so two nodes never take the same endpoint.
 */
export async function claimEndpoints(
  database: Database,
  owner: string,
  q: { limit: number; now: number; leaseMs: number; head: number },
): Promise<EndpointRow[]> {
  const { db } = database;
  if (q.limit <= 0) return [];
  const free = (b: typeof due) =>
    b.where((w) => w.or([w('lease_until', 'is', null), w('lease_until', '<=', q.now)]));
  let due = db
    .selectFrom('webhook_endpoints')
    .select('id')
    .where('enabled', '=', 1)
    .where('next_attempt_at', '<=', q.now)
    .where('cursor', '<', q.head)
    .orderBy('next_attempt_at')
    .limit(q.limit);
  due = free(due);
  const candidates = await due.execute();
  if (candidates.length === 0) return [];
  let locked = free(
    db
      .selectFrom('webhook_endpoints')
      .select('id')
      .where(
        'id',
        'in',
        candidates.map((c) => c.id),
      ),
  );
  if (database.engine === 'postgres') locked = locked.forUpdate().skipLocked();
  const taken = await db
    .updateTable('webhook_endpoints')
    .set({ lease_owner: owner, lease_until: q.now + q.leaseMs })
    .where('id', 'in', locked)
    .where((w) => w.or([w('lease_until', 'is', null), w('lease_until', '<=', q.now)]))
    .returning('id')
    .execute();
  if (taken.length === 0) return [];
  return db
    .selectFrom('webhook_endpoints')
    .leftJoin('domains', 'domains.id', 'webhook_endpoints.domain_id')
    .selectAll('webhook_endpoints')
    .select('domains.name as domain')
    .where(
      'webhook_endpoints.id',
      'in',
      taken.map((t) => t.id),
    )
    .execute();
}

/** What the worker saves of an endpoint it holds. */
export type DeliveryState = Pick<
  WebhookEndpointsTable,
  'cursor' | 'failures' | 'failing_since' | 'next_attempt_at'
>;

/**
 * Saves progress and extends the lease, while the endpoint is still this
 * node's and enabled; returns its current row (the API may have changed its
 * URL, filters or secret), or undefined when it must stop (disabled,
 * deleted, or its lease lost).
 */
export async function renewEndpoint(
  database: Database,
  owner: string,
  id: string,
  state: DeliveryState,
  leaseUntil: number,
): Promise<WebhookEndpointsTable | undefined> {
  return database.db
    .updateTable('webhook_endpoints')
    .set({ ...state, lease_until: leaseUntil })
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .where('enabled', '=', 1)
    .returningAll()
    .executeTakeFirst();
}

/** Gives the endpoint back with its state; `disable` with a reason turns it off (too many failures). */
export async function releaseEndpoint(
  database: Database,
  owner: string,
  id: string,
  state: DeliveryState,
  disable?: string,
): Promise<void> {
  await database.db
    .updateTable('webhook_endpoints')
    .set({
      ...state,
      lease_owner: null,
      lease_until: null,
      ...(disable ? { enabled: 0, disabled_reason: disable } : {}),
    })
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .execute();
}

/** SQLite, at start: this process alone uses the file, so every lease left was a crashed run's. */
export async function releaseAllLeases(database: Database): Promise<void> {
  await database.db
    .updateTable('webhook_endpoints')
    .set({ lease_owner: null, lease_until: null })
    .where('lease_owner', 'is not', null)
    .execute();
}

/** When the earliest enabled endpoint falls due again (a retry or a lease's end), or undefined. */
export async function nextDueAt(database: Database, now: number): Promise<number | undefined> {
  const row = await database.db
    .selectFrom('webhook_endpoints')
    .select((e) => e.fn.min('next_attempt_at').as('at'))
    .where('enabled', '=', 1)
    .where('next_attempt_at', '>', now)
    .executeTakeFirst();
  return row?.at === null || row?.at === undefined ? undefined : Number(row.at);
}
