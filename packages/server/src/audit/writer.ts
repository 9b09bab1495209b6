import type { Kysely } from 'kysely';
import { newId } from '../shared/index.js';
import type { AuditLogTable, DB } from '../store/index.js';
import type { Logger } from '../telemetry/index.js';
import type { AuditEntryInput } from './types.js';

/** How long an entry may wait for its batch: short enough that an admin sees their action at once. */
const FLUSH_DELAY_MS = 200;
/** Entries per batch insert (SQLite's bound-parameter limit allows ~2,000 rows of 14 columns; stay far below). */
const BATCH = 200;
/** Entries held while the database is slow or down; past this the oldest are dropped (and counted in a warning). */
const MAX_PENDING = 10_000;

export interface AuditWriter {
  enqueue(entry: AuditEntryInput): void;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Buffers entries and inserts them in batches, so recording costs a request
 * an array push: the request's answer never waits for, nor fails with, the
 * audit write. A failed batch is logged and dropped — the audit log must not
 * take the API down with it.
 */
export function createAuditWriter(db: Kysely<DB>, log?: Logger): AuditWriter {
  let pending: AuditEntryInput[] = [];
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  let dropped = 0;

  const schedule = () => {
    timer ??= setTimeout(() => {
      timer = undefined;
      void flush();
    }, FLUSH_DELAY_MS);
    timer.unref();
  };

  async function write(batch: AuditEntryInput[]): Promise<void> {
    const rows = batch.map(toRow);
    const domains = rows.flatMap((r, i) =>
      (batch[i] as AuditEntryInput).domains.map((domain) => ({ audit_id: r.id, domain })),
    );
    try {
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('audit_log').values(rows).execute();
        if (domains.length > 0) await trx.insertInto('audit_log_domains').values(domains).execute();
      });
    } catch (err) {
      log?.warn({ err, entries: batch.length }, 'could not write audit log entries');
    }
  }

  function flush(): Promise<void> {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    const taken = pending;
    pending = [];
    if (dropped > 0) {
      log?.warn({ dropped }, 'audit log entries dropped: the database did not keep up');
      dropped = 0;
    }
    // One write at a time, in order: entries reach the table in the order their requests ended.
    writing = writing.then(async () => {
      for (let i = 0; i < taken.length; i += BATCH) await write(taken.slice(i, i + BATCH));
    });
    return writing;
  }

  return {
    enqueue(entry) {
      pending.push(entry);
      if (pending.length > MAX_PENDING) {
        pending.shift();
        dropped++;
      }
      if (pending.length >= BATCH) void flush();
      else schedule();
    },
    flush,
    close: flush,
  };
}

function toRow(e: AuditEntryInput): AuditLogTable {
  return {
    id: newId(e.at),
    at: e.at,
    actor_kind: e.actor.kind,
    actor_id: e.actor.id,
    actor_address: e.actor.address,
    action: e.action,
    method: e.method,
    route: e.route,
    target: JSON.stringify(e.target),
    domains: e.domains.join(','),
    status: e.status,
    request_id: e.requestId,
    ip: e.ip,
  };
}
