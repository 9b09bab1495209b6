import type { Kysely } from 'kysely';
import type { DB } from '../store/index.js';
import { type HealthInputs, healthOf } from './health.js';
import type { DashboardStats, DashboardStatsService, LastSync, StatsScope } from './types.js';

export interface DashboardStatsOptions extends HealthInputs {
  db: Kysely<DB>;
}

const DAY_MS = 86_400_000;
const num = (v: unknown): number => Number(v ?? 0);

/**
 * The dashboard's numbers, each from the cheapest exact source: users' rows
 * for mailboxes and storage (the store keeps `used_bytes` current), today's
 * slice of the event log for messages in (`message.new`) and out
 * (`delivery.delivered`, `delivery.failed`) — its time index bounds the scan
 * to one day — the queue table for its sizes, and the sync runs' table.
 */
export function createDashboardStats(options: DashboardStatsOptions): DashboardStatsService {
  const { db } = options;
  return {
    async get(scope, at = {}) {
      const now = at.now ?? Date.now();
      const since = at.since ?? now - (now % DAY_MS);
      const [users, today, queue, lastSync] = await Promise.all([
        userTotals(db, scope),
        eventsSince(db, scope, since),
        queueSizes(db, scope),
        scope.domains === 'all' ? lastSyncRun(db) : Promise.resolve(null),
      ]);
      const stats: DashboardStats = {
        mailboxes: { total: users.total, enabled: users.enabled },
        storage: { usedBytes: users.usedBytes, quotaBytes: users.quotaBytes },
        messagesToday: { since, in: today.in, out: today.out },
        queue: { ...queue, failed: today.failed },
        lastSync,
        health: await healthOf(db, options, lastSync),
      };
      return stats;
    },
  };
}

async function userTotals(db: Kysely<DB>, scope: StatsScope) {
  let q = db
    .selectFrom('users')
    .select((eb) => [
      eb.fn.countAll().as('total'),
      eb.fn.sum('users.enabled').as('enabled'),
      eb.fn.sum('users.used_bytes').as('used'),
      eb.fn.sum('users.quota_bytes').as('quota'),
    ]);
  if (scope.domains !== 'all') {
    const domains = scope.domains;
    q = q.where('users.domain_id', 'in', db.selectFrom('domains').select('id').where('name', 'in', domains));
  }
  const row = await q.executeTakeFirst();
  return {
    total: num(row?.total),
    enabled: num(row?.enabled),
    usedBytes: num(row?.used),
    quotaBytes: num(row?.quota),
  };
}

async function eventsSince(db: Kysely<DB>, scope: StatsScope, since: number) {
  let q = db
    .selectFrom('event_log')
    .select(['type', (eb) => eb.fn.countAll().as('n')])
    .where('time', '>=', since)
    .where('type', 'in', ['message.new', 'delivery.delivered', 'delivery.failed'])
    .groupBy('type');
  if (scope.domains !== 'all') q = q.where('domain', 'in', scope.domains);
  const rows = await q.execute();
  const count = (type: string) => num(rows.find((r) => r.type === type)?.n);
  return { in: count('message.new'), out: count('delivery.delivered'), failed: count('delivery.failed') };
}

async function queueSizes(db: Kysely<DB>, scope: StatsScope) {
  let q = db
    .selectFrom('queue_domains')
    .select(['queue_domains.state', (eb) => eb.fn.countAll().as('n')])
    .groupBy('queue_domains.state');
  if (scope.domains !== 'all') {
    // As the queue's own scope: an entry whose sender's or destination's domain is one of them.
    const domains = scope.domains;
    q = q.where((eb) =>
      eb.or([
        eb('queue_domains.domain', 'in', domains),
        eb(
          'queue_domains.queue_message_id',
          'in',
          db.selectFrom('queue_messages').select('id').where('sender_domain', 'in', domains),
        ),
      ]),
    );
  }
  const rows = await q.execute();
  const count = (state: string) => num(rows.find((r) => r.state === state)?.n);
  return { queued: count('queued'), sending: count('sending'), deferred: count('deferred') };
}

async function lastSyncRun(db: Kysely<DB>): Promise<LastSync | null> {
  const row = await db
    .selectFrom('directory_sync_runs')
    .select(['source', 'status', 'dry_run', 'finished_at', 'report'])
    .where('finished_at', 'is not', null)
    .where('dry_run', '=', 0)
    .orderBy('finished_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) return null;
  const report = row.report ? (JSON.parse(row.report) as { counts?: Record<string, number> }) : null;
  const c = report?.counts;
  return {
    at: num(row.finished_at),
    ok: row.status === 'succeeded',
    source: row.source,
    status: row.status,
    dryRun: row.dry_run === 1,
    counts: c
      ? { create: num(c.create), update: num(c.update), disable: num(c.disable), enable: num(c.enable) }
      : null,
  };
}
