import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../test/harness/databases.js';
import { type Database, openDatabase } from '../store/index.js';
import { createSyncRuns, STALE_RUN_MS } from './sync-runs.js';
import type { SyncRunStore } from './sync-types.js';

const databases = useDatabases();

describe.each(databases.engines)('sync runs on %s', (engine) => {
  let database: Database;
  let runs: SyncRunStore;
  let now = 1_700_000_000_000;
  const begin = (source = 'corp', dryRun = false) =>
    runs.begin({ source, mode: 'full', dryRun, forced: false, trigger: 'api' });

  beforeEach(async () => {
    database = await openDatabase(await databases.fresh(engine));
    runs = createSyncRuns(database.db, () => now);
  });
  afterEach(() => database.close());

  it('lets one run per source run at a time, and records progress and the result', async () => {
    const first = await begin();
    expect(first.started).toBe(true);
    expect(await begin()).toEqual({ run: first.run, started: false });
    expect((await begin('other')).started).toBe(true);
    await runs.progress(first.run.id, { phase: 'applying', done: 5, total: 10 });
    expect((await runs.get(first.run.id)).progress).toEqual({ phase: 'applying', done: 5, total: 10 });
    now += 1000;
    const done = await runs.finish(first.run.id, {
      status: 'failed',
      report: null,
      error: { code: 'X', message: 'y' },
    });
    expect(done).toMatchObject({ status: 'failed', finishedAt: now, error: { code: 'X', message: 'y' } });
    expect(done.progress).toEqual({ phase: 'done', done: 5, total: 10 });
    expect((await begin()).started).toBe(true);
    await expect(runs.get('nope')).rejects.toMatchObject({ code: 'SYNC_RUN_NOT_FOUND' });
  });

  it('starts one run when many ask at once (the unique index is the lock across processes)', async () => {
    const all = await Promise.all(Array.from({ length: 8 }, () => begin('race')));
    expect(all.filter((r) => r.started)).toHaveLength(1);
    expect(new Set(all.map((r) => r.run.id)).size).toBe(1);
  });

  it('fails a run whose process stopped sending heartbeats, so the next one can start', async () => {
    const dead = await begin();
    now += STALE_RUN_MS - 1;
    expect((await begin()).started).toBe(false);
    now += 2;
    const next = await begin();
    expect(next.started).toBe(true);
    expect(await runs.get(dead.run.id)).toMatchObject({
      status: 'failed',
      error: { code: 'INTERNAL', message: 'interrupted: the process running it stopped' },
    });
  });

  it('lists runs newest first, by source, a page at a time', async () => {
    for (const source of ['a', 'b', 'c']) {
      const { run } = await begin(source);
      await runs.finish(run.id, { status: 'succeeded', report: null, error: null });
      now += 10;
    }
    const page = await runs.list({ limit: 2 });
    expect(page.items.map((r) => r.source)).toEqual(['c', 'b']);
    const rest = await runs.list({ limit: 2, cursor: page.nextCursor ?? '' });
    expect([rest.items.map((r) => r.source), rest.nextCursor]).toEqual([['a'], null]);
    expect((await runs.list({ limit: 5, source: 'b' })).items.map((r) => r.source)).toEqual(['b']);
  });
});
