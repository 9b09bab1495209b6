import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import {
  type Compilable,
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  Migrator,
  type SqliteDatabase,
  SqliteDialect,
  SqliteDriver,
} from 'kysely';
import {
  createEventBell,
  type EventBell,
  type EventWriteWatcher,
  eventWriteWatcher,
  WatchedPostgresDialect,
} from './event-bell.js';
import { migrationProvider } from './migrations/index.js';
import { type Listening, type ListenOptions, listenPostgres } from './pg-listen.js';
import type { DB } from './schema.js';

export type Engine = 'sqlite' | 'postgres';

export interface Database {
  db: Kysely<DB>;
  engine: Engine;
  /** The SQLite database file; undefined on PostgreSQL. */
  file?: string;
  /**
   * Compiles a read once; each call runs it with new parameters, given in
   * the order of the compiled query's. For the lookups of the SMTP dialogue,
   * made for every recipient: on SQLite it runs synchronously on a
   * connection of its own, so it neither waits for `db`'s connection lock
   * nor sees the uncommitted rows of a transaction open there.
   */
  prepareRead<R>(query: Compilable<R>): PreparedRead<R>;
  /**
   * SQLite only (undefined on PostgreSQL): like `prepareRead` on the same
   * reading connection, but each row comes as an array of its column values
   * in select order (better-sqlite3's raw mode). For reads of many narrow
   * rows (a mailbox's UID list), where an object per row is most of the cost.
   */
  prepareRawRead?(query: Compilable<unknown>): (parameters: readonly unknown[]) => unknown[][];
  /**
   * SQLite only (undefined on PostgreSQL): statements compiled once and run
   * synchronously on this connection, inside a synchronous transaction. For
   * the delivery committer, which runs the same few writes for every batch:
   * Kysely would build and compile each of them again every time.
   */
  statements?: SyncStatements;
  /**
   * Rung after a transaction of this process that appended events committed
   * (`event-bell.ts`); the SQLite delivery committer's thread rings it
   * through the store when its batches settle.
   */
  bell: EventBell;
  /**
   * PostgreSQL only: LISTEN on `channel` over a connection of its own,
   * reconnecting after failures (`pg-listen.ts`). Nodes sharing the database
   * learn of each other's commits this way.
   */
  listen?(options: Omit<ListenOptions, 'url'>): Promise<Listening>;
  close(): Promise<void>;
}

/** Statements run synchronously on one SQLite connection (see `Database.statements`). */
export interface SyncStatements {
  /**
   * Compiles `query` once. Each call runs it with new parameters, given in the
   * order of the compiled query's, and returns the rows it returns (none for a
   * write without RETURNING). Throws if the count differs from the compiled one.
   */
  prepare<R>(query: Compilable<R>): (parameters: readonly unknown[]) => R[];
  /**
   * Runs `fn` between BEGIN IMMEDIATE and COMMIT; if it throws, rolls back
   * (unless SQLite already has, as on a full disk) and rethrows. Nothing else
   * can run on the connection meanwhile: `fn` is synchronous. Throws if a
   * transaction is already open on the connection (Kysely's, awaiting its next
   * statement), which `fn`'s writes must not join.
   */
  transaction<T>(fn: () => T): T;
}

/** `SyncStatements` over a better-sqlite3 connection. */
function syncStatements(sqlite: SQLite.Database): SyncStatements {
  // better-sqlite3's transaction: BEGIN IMMEDIATE (the write lock taken at once, as
  // `ImmediateSqliteDriver` does), and no ROLLBACK when SQLite has already rolled back.
  const inTransaction = sqlite.transaction((fn: () => unknown) => fn());
  return {
    prepare<R>(query: Compilable<R>) {
      const { sql: text, parameters: compiled } = query.compile();
      const stmt = sqlite.prepare(text);
      return (parameters: readonly unknown[]): R[] => {
        if (parameters.length !== compiled.length)
          throw new Error(`statement takes ${compiled.length} parameters, got ${parameters.length}`);
        if (stmt.reader) return stmt.all(...parameters) as R[];
        stmt.run(...parameters);
        return [];
      };
    },
    transaction<T>(fn: () => T): T {
      if (sqlite.inTransaction) throw new Error('a transaction is already open on this connection');
      return inTransaction.immediate(fn) as T;
    },
  };
}

/** A read compiled once (see `Database.prepareRead`). */
export type PreparedRead<R> = (parameters: readonly unknown[]) => Promise<R[]>;

/** The generic way: Kysely runs the compiled SQL with new parameters, skipping only the building. */
export function kyselyRead(db: Kysely<DB>) {
  return <R>(query: Compilable<R>): PreparedRead<R> => {
    const { sql: text } = query.compile();
    return async (parameters) => (await db.executeQuery<R>(CompiledQuery.raw(text, [...parameters]))).rows;
  };
}

/**
 * SQLite: reads on a second connection to the file, opened at the first
 * prepared read. WAL lets it read the latest commit while others write;
 * `query_only` keeps it from writing.
 */
function sqliteReads(file: string) {
  let reader: SQLite.Database | undefined;
  let closed = false;
  const open = () => {
    if (reader) return;
    reader = new SQLite(file);
    reader.pragma('query_only = ON');
    reader.pragma('busy_timeout = 5000');
    // As on every connection: a sort it may need stays in memory, not in /var/tmp.
    reader.pragma('temp_store = MEMORY');
  };
  return {
    prepareRead<R>(query: Compilable<R>): PreparedRead<R> {
      const { sql: text } = query.compile();
      let stmt: SQLite.Statement | undefined;
      return (parameters) => {
        try {
          if (closed) throw new Error('the database is closed');
          open();
          stmt ??= (reader as SQLite.Database).prepare(text);
          return Promise.resolve(stmt.all(...parameters) as R[]);
        } catch (e) {
          return Promise.reject(e);
        }
      };
    },
    prepareRawRead(query: Compilable<unknown>) {
      const { sql: text } = query.compile();
      let stmt: SQLite.Statement | undefined;
      return (parameters: readonly unknown[]): unknown[][] => {
        if (closed) throw new Error('the database is closed');
        open();
        stmt ??= (reader as SQLite.Database).prepare(text).raw(true);
        return stmt.all(...parameters) as unknown[][];
      };
    },
    close(): void {
      closed = true;
      reader?.close();
      reader = undefined;
    },
  };
}

export interface OpenDatabaseOptions {
  /** Data directory; the SQLite file lives at `<dataDir>/jdmail.db`. */
  dataDir: string;
  /** `postgres://…` selects PostgreSQL; empty selects embedded SQLite. */
  databaseUrl?: string;
  /**
   * Told when an idle PostgreSQL connection fails (the server restarted, a
   * failover, a network cut). The pool drops that connection and opens a new
   * one at the next query; without a listener, node-postgres would throw the
   * error out of the process.
   */
  onConnectionError?: (err: Error) => void;
}

/**
 * Kysely prepares every query anew; better-sqlite3 statements are reusable,
 * so keep the most recent ones by SQL text. The delivery path repeats the
 * same few statements thousands of times a second.
 */
function withStatementCache(sqlite: SQLite.Database, max = 256): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let stmt = cache.get(sql);
      if (stmt) {
        cache.delete(sql); // re-insert: Map order is the LRU order
      } else {
        stmt = sqlite.prepare(sql);
        if (cache.size >= max) cache.delete(cache.keys().next().value as string);
      }
      cache.set(sql, stmt);
      return stmt;
    },
  };
}

/**
 * Transactions take the write lock at BEGIN. The delivery committer writes
 * from its own connection (a worker thread); a deferred transaction that read
 * before that commit could not write after it (SQLITE_BUSY_SNAPSHOT, which
 * the busy timeout does not retry), while BEGIN IMMEDIATE waits its turn.
 *
 * A full disk (SQLITE_FULL), an I/O error or running out of memory makes
 * SQLite roll the transaction back by itself (sqlite.org/lang_transaction.html).
 * Kysely's ROLLBACK then fails with "no transaction is active" and that error
 * replaces the one that matters; so a transaction already gone is not rolled
 * back again.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  readonly #sqlite: SQLite.Database;
  readonly #watcher: EventWriteWatcher;
  constructor(database: SqliteDatabase, sqlite: SQLite.Database, watcher: EventWriteWatcher) {
    super({ database });
    this.#sqlite = sqlite;
    this.#watcher = watcher;
  }
  /** The one connection, once acquired. */
  #connection: DatabaseConnection | undefined;
  override async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await super.acquireConnection();
    this.#watcher.watch(connection);
    this.#connection = connection;
    return connection;
  }
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
  override async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await super.commitTransaction(connection);
    this.#watcher.committed(connection);
  }
  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    this.#watcher.rolledBack(connection);
    if (this.#sqlite.inTransaction) await super.rollbackTransaction(connection);
  }
  /** An insert outside a transaction committed by itself. */
  override async releaseConnection(): Promise<void> {
    if (this.#connection && !this.#sqlite.inTransaction) this.#watcher.committed(this.#connection);
    await super.releaseConnection();
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #database: SqliteDatabase;
  readonly #sqlite: SQLite.Database;
  readonly #watcher: EventWriteWatcher;
  constructor(sqlite: SQLite.Database, bell: EventBell) {
    const database = withStatementCache(sqlite);
    super({ database });
    this.#database = database;
    this.#sqlite = sqlite;
    this.#watcher = eventWriteWatcher(bell);
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#database, this.#sqlite, this.#watcher);
  }
}

/**
 * Opens one connection to the SQLite file, without migrating: `openDatabase`
 * for the process, or directly by the delivery committer's worker thread.
 */
export function openSqliteFile(file: string): Database {
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  // FULL: every commit fsyncs the WAL, so a committed row survives power loss. The delivery
  // committer's connection is on a thread of its own, so its fsyncs never stop the event loop.
  sqlite.pragma('synchronous = FULL');
  // A statement that changes many rows inside a larger transaction (the committer's multi-row
  // inserts) keeps a statement journal, which past 64 KiB spilled into a new file in /var/tmp:
  // create, unlink, a dozen writes and close for every batch. Kept in memory instead, with SQLite's
  // other temporary files (sorts, temporary tables): a batch's journal is a few MB at most, and
  // only a bulk change inside a transaction (a large mailbox deleted) holds more, for its duration.
  // Every file jdmail writes is now under the data directory.
  sqlite.pragma('temp_store = MEMORY');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // SQLite's lower() folds ASCII only, so a search for `дмитрий` missed `Дмитрий` and `åström`
  // missed `ÅSTRÖM`. JavaScript's is Unicode's, as PostgreSQL's is under a UTF-8 locale. No index
  // or stored value depends on lower(), so replacing it on this connection changes searches only.
  sqlite.function('lower', { deterministic: true }, (value: unknown) =>
    typeof value === 'string' ? value.toLowerCase() : value,
  );
  const bell = createEventBell();
  const db = new Kysely<DB>({ dialect: new ImmediateSqliteDialect(sqlite, bell) });
  const reads = sqliteReads(file);
  return {
    db,
    engine: 'sqlite',
    file,
    bell,
    prepareRead: reads.prepareRead,
    prepareRawRead: reads.prepareRawRead,
    statements: syncStatements(sqlite),
    async close() {
      reads.close();
      await db.destroy();
    },
  };
}

function openSqlite(dataDir: string): Database {
  mkdirSync(dataDir, { recursive: true });
  return openSqliteFile(join(dataDir, 'jdmail.db'));
}

/** `pg` is loaded only when PostgreSQL is used: the embedded default does not pay for it. */
async function openPostgres(url: string, onConnectionError?: (err: Error) => void): Promise<Database> {
  const { default: pg } = await import('pg');
  // int8 (bigint) columns hold epoch ms, sizes and counters: all far below
  // 2^53, so they are returned as numbers on PostgreSQL as they are on SQLite.
  pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on('error', (err) => onConnectionError?.(err));
  const bell = createEventBell();
  const db = new Kysely<DB>({ dialect: new WatchedPostgresDialect({ pool }, bell) });
  return {
    db,
    engine: 'postgres',
    bell,
    prepareRead: kyselyRead(db),
    listen: (listenOptions) => listenPostgres({ ...listenOptions, url }),
    close: () => db.destroy(),
  };
}

/** Opens the metadata database and brings its schema up to date. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const url = options.databaseUrl ?? '';
  const database = /^postgres(ql)?:\/\//.test(url)
    ? await openPostgres(url, options.onConnectionError)
    : openSqlite(options.dataDir);
  const migrator = new Migrator({ db: database.db, provider: migrationProvider });
  const { error } = await migrator.migrateToLatest();
  if (error) {
    await database.close();
    throw new Error(`database migration failed: ${(error as Error).message ?? String(error)}`);
  }
  return database;
}
