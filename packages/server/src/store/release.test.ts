import { afterEach, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../test/harness/databases.js';
import { openStore, type StoreFixture } from '../../../../test/harness/mail-store.js';
import { newId } from '../shared/index.js';

const databases = useDatabases();

/** Bodies in the database with no message row: what a crash between a delete's commit and its release leaves. */
async function orphanBodies(f: StoreFixture, n: number): Promise<void> {
  for (let i = 0; i < n; i += 500) {
    const rows = Array.from({ length: Math.min(500, n - i) }, () => ({
      blob_id: newId(),
      data: Buffer.from('x'),
    }));
    await f.database.db.insertInto('message_bodies').values(rows).execute();
  }
}

const bodyRows = async (f: StoreFixture) =>
  Number(
    (
      await f.database.db
        .selectFrom('message_bodies')
        .select((e) => e.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe.each(databases.engines)('the body sweep on %s', (engine) => {
  let f: StoreFixture | undefined;
  afterEach(() => f?.close());

  it('lets the event loop run between its pages (it once held it for seconds at start)', async () => {
    f = await openStore(await databases.fresh(engine), { inlineBodyMaxBytes: 1024 });
    await orphanBodies(f, 3500);
    let turns = 0;
    let running = true;
    const tick = () => {
      turns += 1;
      if (running) setImmediate(tick);
    };
    setImmediate(tick);
    const result = await f.store.sweepBlobs();
    running = false;
    expect(result.bodyRowsRemoved).toBe(3500);
    expect(await bodyRows(f)).toBe(0);
    // Four pages of 1,000: the loop turned between them (on SQLite every query is synchronous).
    expect(turns).toBeGreaterThanOrEqual(4);
  });

  it('ends early when the server stops', async () => {
    f = await openStore(await databases.fresh(engine), { inlineBodyMaxBytes: 1024 });
    await orphanBodies(f, 1500);
    const stop = new AbortController();
    stop.abort();
    expect(await f.store.sweepBlobs(stop.signal)).toMatchObject({ bodyRowsRemoved: 0, checked: 0 });
    expect(await bodyRows(f)).toBe(1500);
  });
});
