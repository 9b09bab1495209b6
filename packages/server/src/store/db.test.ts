import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../test/harness/databases.js';
import { createLogFlusher, openDatabase } from './db.js';

const databases = useDatabases();

/** A sync function whose calls the test finishes by hand. */
function manualSync() {
  const calls: Array<{ resolve(): void; reject(e: Error): void }> = [];
  const once = () =>
    new Promise<void>((resolve, reject) => {
      calls.push({ resolve, reject });
    });
  return { calls, once };
}

const settled = async <T>(p: Promise<T>) => {
  let state = 'pending';
  p.then(
    () => {
      state = 'fulfilled';
    },
    () => {
      state = 'rejected';
    },
  );
  await new Promise((r) => setImmediate(r));
  return state;
};

describe('log flusher', () => {
  it('serves every caller with a flush that started after its call, sharing flushes', async () => {
    const { calls, once } = manualSync();
    const flush = createLogFlusher('/unused', once);
    const first = flush();
    expect(calls).toHaveLength(1);
    // These arrive while the first flush runs: it may predate their commits, so they need the next one.
    const late = [flush(), flush(), flush()];
    expect(calls).toHaveLength(1);
    calls[0]?.resolve();
    expect(await settled(first)).toBe('fulfilled');
    expect(await settled(Promise.all(late))).toBe('pending');
    // Exactly one more flush serves all three.
    expect(calls).toHaveLength(2);
    calls[1]?.resolve();
    await Promise.all(late);
    expect(calls).toHaveLength(2);
  });

  it('rejects the callers of a failed flush and flushes again for the next', async () => {
    const { calls, once } = manualSync();
    const flush = createLogFlusher('/unused', once);
    const failed = flush();
    const waiting = flush();
    calls[0]?.reject(new Error('EIO'));
    await expect(failed).rejects.toThrow('EIO');
    // The one queued behind the failure still gets a flush of its own.
    await new Promise((r) => setImmediate(r));
    expect(calls).toHaveLength(2);
    calls[1]?.resolve();
    await expect(waiting).resolves.toBeUndefined();
  });

  it('fails when the log cannot be opened', async () => {
    await expect(createLogFlusher('/nonexistent/jdmail.db-wal')()).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe.each(databases.engines)('durable transaction on %s', (engine) => {
  const opened: Array<{ close(): Promise<void> }> = [];
  afterAll(async () => {
    for (const d of opened) await d.close();
  });

  it('commits, rolls back on error, and leaves other writes fully synchronous', async () => {
    const database = await openDatabase(await databases.fresh(engine));
    opened.push(database);
    const { db } = database;
    const now = Date.now();
    await database.durableTransaction((trx) =>
      trx.insertInto('domains').values({ id: 'd1', name: 'one.test', created_at: now }).execute(),
    );
    await expect(
      database.durableTransaction(async (trx) => {
        await trx.insertInto('domains').values({ id: 'd2', name: 'two.test', created_at: now }).execute();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const names = await db.selectFrom('domains').select('name').orderBy('name').execute();
    expect(names.map((r) => r.name)).toEqual(['one.test']);
    if (engine === 'sqlite') {
      // 2 = FULL: only the delivery commit runs with NORMAL, and only inside durableTransaction.
      const { rows } = await sql<{ synchronous: number }>`pragma synchronous`.execute(db);
      expect(rows[0]?.synchronous).toBe(2);
    }
  });
});
