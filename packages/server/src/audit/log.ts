import type { Kysely } from 'kysely';
import { AppError } from '../shared/index.js';
import type { AuditLogTable, DB } from '../store/index.js';
import type { Logger } from '../telemetry/index.js';
import type { AuditEntry, AuditLog, AuditQuery, AuditScope } from './types.js';
import { createAuditWriter } from './writer.js';

/** Rows deleted per statement by the prune, so one prune never holds the write lock long. */
const PRUNE_CHUNK = 5000;
/** Entry ids are `newId()`: 12 hex digits of time, then 12 base64url characters. */
const CURSOR = /^[0-9a-f]{12}[A-Za-z0-9_-]{12}$/;

export interface AuditLogOptions {
  db: Kysely<DB>;
  log?: Logger;
}

/** The audit log over the `audit_log` tables (see store/migrations/0022-audit-log.ts). */
export function createAuditLog({ db, log }: AuditLogOptions): AuditLog {
  const writer = createAuditWriter(db, log);
  return {
    record: (entry) => writer.enqueue(entry),
    flush: () => writer.flush(),
    close: () => writer.close(),
    list: (query, scope) => list(db, query, scope),
    prune: (now, retentionMs) => prune(db, now - retentionMs),
  };
}

async function list(
  db: Kysely<DB>,
  query: AuditQuery,
  scope: AuditScope,
): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
  if (query.cursor !== undefined && !CURSOR.test(query.cursor)) throw new AppError('INVALID_CURSOR');
  const visible = scope.domains === 'all' ? null : scope.domains;
  const wanted = query.domain === undefined ? null : [query.domain];
  // A domain filter outside the caller's domains shows nothing (and says nothing about that domain).
  const domains =
    visible === null ? wanted : wanted === null ? visible : wanted.filter((d) => visible.includes(d));
  if (domains !== null && domains.length === 0) return { items: [], nextCursor: null };
  let q = db.selectFrom('audit_log').selectAll();
  if (domains !== null)
    q = q.where(
      'id',
      'in',
      db.selectFrom('audit_log_domains').select('audit_id').where('domain', 'in', domains),
    );
  if (query.actor !== undefined) {
    const actor = query.actor;
    q = q.where((eb) => eb.or([eb('actor_id', '=', actor), eb('actor_address', '=', actor.toLowerCase())]));
  }
  if (query.action !== undefined) q = q.where('action', '=', query.action);
  if (query.since !== undefined) q = q.where('at', '>=', query.since);
  if (query.until !== undefined) q = q.where('at', '<', query.until);
  if (query.cursor !== undefined) q = q.where('id', '<', query.cursor);
  const rows = await q
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  const page = rows.slice(0, query.limit).map(toEntry);
  const last = page[page.length - 1];
  return { items: page, nextCursor: rows.length > query.limit && last ? last.id : null };
}

async function prune(db: Kysely<DB>, before: number): Promise<number> {
  let removed = 0;
  for (;;) {
    const ids = await db
      .selectFrom('audit_log')
      .select('id')
      .where('at', '<', before)
      .limit(PRUNE_CHUNK)
      .execute();
    if (ids.length === 0) return removed;
    const chunk = ids.map((r) => r.id);
    await db.transaction().execute(async (trx) => {
      await trx.deleteFrom('audit_log_domains').where('audit_id', 'in', chunk).execute();
      await trx.deleteFrom('audit_log').where('id', 'in', chunk).execute();
    });
    removed += chunk.length;
    if (chunk.length < PRUNE_CHUNK) return removed;
  }
}

function toEntry(r: AuditLogTable): AuditEntry {
  return {
    id: r.id,
    at: Number(r.at),
    actor: { kind: r.actor_kind as AuditEntry['actor']['kind'], id: r.actor_id, address: r.actor_address },
    action: r.action,
    method: r.method,
    route: r.route,
    target: JSON.parse(r.target) as Record<string, string>,
    domains: r.domains === '' ? [] : r.domains.split(','),
    status: Number(r.status),
    requestId: r.request_id,
    ip: r.ip,
  };
}
