import { type Kysely, sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../test/harness/databases.js';
import { openDatabase, openSqliteFile } from './db.js';
import type { DB } from './schema.js';

const databases = useDatabases();
/** Every database a test opens, closed once the file's tests are done. */
const opened: Array<{ close(): Promise<void> }> = [];
afterAll(async () => {
  for (const d of opened) await d.close();
});

/**
 * A Kysely transaction that has inserted `domain` and stays open, awaiting its next statement,
 * until `end()`; then it commits, or with `rollBack` throws and rolls back. `done` is its outcome.
 */
async function heldTransaction(
  db: Kysely<DB>,
  domain: { id: string; name: string; created_at: number },
  rollBack = false,
) {
  let end = () => {};
  const ended = new Promise<void>((r) => {
    end = r;
  });
  let begun = () => {};
  const started = new Promise<void>((r) => {
    begun = r;
  });
  const done = db.transaction().execute(async (t) => {
    await t.insertInto('domains').values(domain).execute();
    begun();
    await ended;
    if (rollBack) throw new Error('rolled back');
  });
  await started;
  return { end, done };
}

describe.each(databases.engines)('transactions on %s', (engine) => {
  it('commit, and roll back on error', async () => {
    const database = await openDatabase(await databases.fresh(engine));
    opened.push(database);
    const { db } = database;
    const now = Date.now();
    await db
      .transaction()
      .execute((trx) =>
        trx.insertInto('domains').values({ id: 'd1', name: 'one.test', created_at: now }).execute(),
      );
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('domains').values({ id: 'd2', name: 'two.test', created_at: now }).execute();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const names = await db.selectFrom('domains').select('name').orderBy('name').execute();
    expect(names.map((r) => r.name)).toEqual(['one.test']);
  });

  // SQLite ends a transaction itself on a full disk or an I/O error; the error that did it must
  // reach the caller, not the "no transaction is active" of the ROLLBACK that follows.
  it('keeps the error that ended a transaction the database had already rolled back', async () => {
    const database = await openDatabase(await databases.fresh(engine));
    opened.push(database);
    const { db } = database;
    await expect(
      db.transaction().execute(async (trx) => {
        await trx
          .insertInto('domains')
          .values({ id: 'd3', name: 'three.test', created_at: Date.now() })
          .execute();
        await sql`rollback`.execute(trx);
        throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
      }),
    ).rejects.toMatchObject({ code: 'SQLITE_FULL' });
    expect(await db.selectFrom('domains').select('name').execute()).toEqual([]);
    // And the connection is usable afterwards.
    await db
      .transaction()
      .execute((trx) =>
        trx.insertInto('domains').values({ id: 'd4', name: 'four.test', created_at: Date.now() }).execute(),
      );
    expect((await db.selectFrom('domains').select('name').execute()).map((r) => r.name)).toEqual([
      'four.test',
    ]);
  });
});

describe.each(databases.engines)('prepared reads on %s', (engine) => {
  it("run the query compiled once with each call's parameters, and see only committed rows", async () => {
    const database = await openDatabase(await databases.fresh(engine));
    opened.push(database);
    const { db } = database;
    const byName = database.prepareRead(
      db.selectFrom('domains').select(['id', 'name']).where('name', '=', '').where('created_at', '>', 0),
    );
    expect(await byName(['one.test', 0])).toEqual([]);
    await db.insertInto('domains').values({ id: 'd1', name: 'one.test', created_at: 5 }).execute();
    await db.insertInto('domains').values({ id: 'd2', name: 'two.test', created_at: 9 }).execute();
    expect(await byName(['one.test', 0])).toEqual([{ id: 'd1', name: 'one.test' }]);
    expect(await byName(['two.test', 0])).toEqual([{ id: 'd2', name: 'two.test' }]);
    // Both parameters are used, in order.
    expect(await byName(['one.test', 5])).toEqual([]);
    // A row of a transaction still open elsewhere is not seen; once committed, it is.
    const trx = await heldTransaction(db, { id: 'd3', name: 'three.test', created_at: 1 });
    expect(await byName(['three.test', 0])).toEqual([]);
    trx.end();
    await trx.done;
    expect(await byName(['three.test', 0])).toEqual([{ id: 'd3', name: 'three.test' }]);
  });

  it('reject, not throw, when the statement fails', async () => {
    const database = await openDatabase(await databases.fresh(engine));
    opened.push(database);
    const read = database.prepareRead(
      database.db.selectFrom('domains').select(sql<number>`no_such_column`.as('x')).where('name', '=', ''),
    );
    const result = read(['one.test']);
    expect(result).toBeInstanceOf(Promise);
    await expect(result).rejects.toThrow(/no_such_column/);
  });

  it('reject after the database is closed', async () => {
    const database = await openDatabase(await databases.fresh(engine));
    const read = database.prepareRead(database.db.selectFrom('domains').select('id').where('name', '=', ''));
    expect(await read(['one.test'])).toEqual([]);
    await database.close();
    await expect(read(['one.test'])).rejects.toThrow();
  });
});

describe('PostgreSQL connections', () => {
  it('survive the server ending them: the error is reported, the pool reconnects, the process goes on', async () => {
    const t = await databases.fresh('postgres');
    const errors: string[] = [];
    const d = await openDatabase({ ...t, onConnectionError: (err) => errors.push(err.message) });
    opened.push(d);
    // Two idle connections in the pool, then every backend of this database ended, as a restart would.
    await Promise.all([sql`select pg_sleep(0.05)`.execute(d.db), sql`select pg_sleep(0.05)`.execute(d.db)]);
    const admin = await openDatabase({ ...t });
    opened.push(admin);
    await sql`select pg_terminate_backend(pid) from pg_stat_activity
              where datname = current_database() and pid <> pg_backend_pid()`.execute(admin.db);
    // The pool hears of it from each idle connection as its socket closes: at once on a quiet
    // machine, seconds later on a loaded one. Until it has heard from both, a query may still be
    // given the other dead connection (and fail once, as it would in a real restart).
    for (let i = 0; i < 750 && errors.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(errors.length).toBe(2);
    expect(errors[0]).toMatch(/terminating connection/);
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(d.db);
    expect(rows).toEqual([{ one: 1 }]);
  });
});

describe('statements compiled once (SQLite)', () => {
  it('are there on SQLite only', async () => {
    for (const engine of databases.engines) {
      const database = await openDatabase(await databases.fresh(engine));
      opened.push(database);
      expect(database.statements !== undefined).toBe(engine === 'sqlite');
    }
  });

  it("run with each call's parameters, in the compiled order, and return what the statement returns", async () => {
    const database = await openDatabase(await databases.fresh('sqlite'));
    opened.push(database);
    const { db, statements } = database as Required<typeof database>;
    const insert = statements.prepare(db.insertInto('domains').values({ id: '', name: '', created_at: 0 }));
    const bump = statements.prepare(
      db
        .updateTable('domains')
        .set((eb) => ({ created_at: eb('created_at', '+', 0) }))
        .where('id', '=', '')
        .returning(['name', 'created_at']),
    );
    expect(insert(['d1', 'one.test', 5])).toEqual([]);
    expect(insert(['d2', 'two.test', 9])).toEqual([]);
    expect(bump([10, 'd2'])).toEqual([{ name: 'two.test', created_at: 19 }]);
    expect(bump([1, 'nobody'])).toEqual([]);
    expect(() => bump([1])).toThrow(/takes 2 parameters, got 1/);
    const rows = await db.selectFrom('domains').select(['id', 'created_at']).orderBy('id').execute();
    expect(rows).toEqual([
      { id: 'd1', created_at: 5 },
      { id: 'd2', created_at: 19 },
    ]);
  });

  it('commit a transaction that returns, roll back one that throws, and refuse to join an open one', async () => {
    const database = await openDatabase(await databases.fresh('sqlite'));
    opened.push(database);
    const { db, statements } = database as Required<typeof database>;
    const insert = statements.prepare(db.insertInto('domains').values({ id: '', name: '', created_at: 0 }));
    const done = statements.transaction(() => {
      insert(['d1', 'one.test', 1]);
      return 'done';
    });
    expect(done).toBe('done');
    expect(() =>
      statements.transaction(() => {
        insert(['d2', 'two.test', 2]);
        insert(['d3', 'one.test', 3]); // the name is unique: this fails, and d2 goes with it
      }),
    ).toThrow(/UNIQUE/);
    // Kysely's transaction on the same connection, awaiting its next statement: not joined.
    const trx = await heldTransaction(db, { id: 'd4', name: 'four.test', created_at: 4 }, true);
    expect(() => statements.transaction(() => insert(['d5', 'five.test', 5]))).toThrow(/already open/);
    trx.end();
    await expect(trx.done).rejects.toThrow('rolled back');
    const ids = await db.selectFrom('domains').select('id').orderBy('id').execute();
    expect(ids.map((r) => r.id)).toEqual(['d1']);
  });
});

describe('SQLite connections', () => {
  it('are in WAL mode, fsync at each commit and keep temporary files in memory', async () => {
    const database = await openDatabase(await databases.fresh('sqlite'));
    opened.push(database);
    // A second connection to the same file, as the delivery committer's thread opens it.
    const second = openSqliteFile(database.file as string);
    opened.push(second);
    for (const { db } of [database, second]) {
      const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db);
      expect(mode.rows[0]?.journal_mode).toBe('wal');
      // 2 = FULL: the WAL is synced before a commit returns, so a 250 is never sent for a row a power cut could lose.
      const sync = await sql<{ synchronous: number }>`pragma synchronous`.execute(db);
      expect(sync.rows[0]?.synchronous).toBe(2);
      // 2 = MEMORY: statement journals stay off the disk.
      const temp = await sql<{ temp_store: number }>`pragma temp_store`.execute(db);
      expect(temp.rows[0]?.temp_store).toBe(2);
    }
    // And the read-only connection of prepared reads (the RCPT lookup).
    const read = database.prepareRead(
      database.db.selectNoFrom(sql<number>`(select temp_store from pragma_temp_store)`.as('t')),
    );
    expect(await read([])).toEqual([{ t: 2 }]);
  });
});
