import type { Kysely, Selectable } from 'kysely';
import { AppError, newId } from '../shared/index.js';
import { appendEvents, type DB, type DirectorySyncRunsTable } from '../store/index.js';
import { syncCompletedEvent } from './sync-events.js';
import type { SyncRun, SyncRunStore } from './sync-types.js';
import { cursor } from './validate.js';

/** A running run whose heartbeat is older than this belongs to a process that died. */
export const STALE_RUN_MS = 2 * 60_000;

const toRun = (r: Selectable<DirectorySyncRunsTable>): SyncRun => ({
  id: r.id,
  source: r.source,
  status: r.status,
  mode: r.mode,
  dryRun: Boolean(r.dry_run),
  forced: Boolean(r.forced),
  trigger: r.trigger as SyncRun['trigger'],
  startedAt: Number(r.started_at),
  finishedAt: r.finished_at === null ? null : Number(r.finished_at),
  progress: JSON.parse(r.progress) as SyncRun['progress'],
  report: r.report === null ? null : (JSON.parse(r.report) as SyncRun['report']),
  error: r.error === null ? null : (JSON.parse(r.error) as SyncRun['error']),
});

/** Sync runs in `directory_sync_runs`; see {@link SyncRunStore}. */
export function createSyncRuns(db: Kysely<DB>, now: () => number = Date.now): SyncRunStore {
  const running = (source: string) =>
    db
      .selectFrom('directory_sync_runs')
      .selectAll()
      .where('source', '=', source)
      .where('status', '=', 'running')
      .executeTakeFirst();

  async function get(id: string): Promise<SyncRun> {
    const row = await db
      .selectFrom('directory_sync_runs')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new AppError('SYNC_RUN_NOT_FOUND', `sync run ${id} does not exist`);
    return toRun(row);
  }

  return {
    async begin(input) {
      const at = now();
      await db
        .updateTable('directory_sync_runs')
        .set({
          status: 'failed',
          finished_at: at,
          error: JSON.stringify({ code: 'INTERNAL', message: 'interrupted: the process running it stopped' }),
        })
        .where('source', '=', input.source)
        .where('status', '=', 'running')
        .where('heartbeat_at', '<', at - STALE_RUN_MS)
        .execute();
      const current = await running(input.source);
      if (current) return { run: toRun(current), started: false };
      const row = {
        id: newId(at),
        source: input.source,
        status: 'running' as const,
        mode: input.mode,
        dry_run: input.dryRun ? 1 : 0,
        forced: input.forced ? 1 : 0,
        trigger: input.trigger,
        started_at: at,
        finished_at: null,
        heartbeat_at: at,
        progress: JSON.stringify({ phase: 'starting', done: 0, total: null }),
        report: null,
        error: null,
      };
      try {
        await db.insertInto('directory_sync_runs').values(row).execute();
      } catch (e) {
        // Another process started one between our check and insert: the unique index refused ours.
        const winner = await running(input.source);
        if (winner) return { run: toRun(winner), started: false };
        throw e;
      }
      return { run: toRun(row), started: true };
    },

    async progress(id, progress) {
      await db
        .updateTable('directory_sync_runs')
        .set({ progress: JSON.stringify(progress), heartbeat_at: now() })
        .where('id', '=', id)
        .execute();
    },

    async finish(id, result) {
      const run = await get(id);
      const progress = { phase: 'done' as const, done: run.progress.done, total: run.progress.total };
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('directory_sync_runs')
          .set({
            status: result.status,
            finished_at: now(),
            heartbeat_at: now(),
            progress: JSON.stringify(progress),
            report: result.report === null ? null : JSON.stringify(result.report),
            error: result.error === null ? null : JSON.stringify(result.error),
          })
          .where('id', '=', id)
          .execute();
        // A dry run changed nothing: integrators hear of real runs only.
        if (!run.dryRun) await appendEvents(trx, [syncCompletedEvent(run, result.status, result.report)]);
      });
      return get(id);
    },

    get,

    async list(options) {
      const after = cursor.decode(options.cursor);
      let q = db
        .selectFrom('directory_sync_runs')
        .selectAll()
        .orderBy('id', 'desc')
        .limit(options.limit + 1);
      if (options.source !== undefined) q = q.where('source', '=', options.source);
      if (after !== undefined) q = q.where('id', '<', after);
      const rows = await q.execute();
      const items = rows.slice(0, options.limit).map(toRun);
      const last = items[items.length - 1];
      return { items, nextCursor: rows.length > options.limit && last ? cursor.encode(last.id) : null };
    },
  };
}
