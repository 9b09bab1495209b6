import { mkdirSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  Migrator,
  PostgresDialect,
  type SqliteDatabase,
  SqliteDialect,
  SqliteDriver,
  sql,
  type Transaction,
} from 'kysely';
import { migrationProvider } from './migrations/index.js';
import type { DB } from './schema.js';

export type Engine = 'sqlite' | 'postgres';

export interface Database {
  db: Kysely<DB>;
  engine: Engine;
  /** The SQLite database file; undefined on PostgreSQL. */
  file?: string;
  /**
   * Runs `fn` in one transaction and resolves once the commit is durable,
   * without the event loop waiting on the disk. SQLite (better-sqlite3 is
   * synchronous): commits with `synchronous = NORMAL`, so the commit itself
   * does not fsync on the main thread, then fdatasyncs the write-ahead log on
   * the thread pool; concurrent callers share one flush. PostgreSQL: a plain
   * transaction, whose commit already waits for its WAL flush asynchronously.
   * Every other write keeps `synchronous = FULL` and is durable when it returns.
   */
  durableTransaction<T>(fn: (trx: Transaction<DB>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** Data directory; the SQLite file lives at `<dataDir>/jdmail.db`. */
  dataDir: string;
  /** `postgres://…` selects PostgreSQL; empty selects embedded SQLite. */
  databaseUrl?: string;
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

async function datasyncFile(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.datasync();
  } finally {
    await fh.close();
  }
}

/**
 * fdatasync of the SQLite write-ahead log, shared: a caller's flush starts
 * after its call, and every caller that arrives while one is in flight is
 * served by the single next one. The log is opened per flush, so a log that
 * SQLite recreated is never missed. Frames SQLite has already checkpointed
 * into the database file are durable there: in WAL mode with
 * `synchronous = NORMAL` a checkpoint syncs the log before and the database
 * file after copying (sqlite.org/pragma.html#pragma_synchronous).
 */
export function createLogFlusher(path: string, once = () => datasyncFile(path)): () => Promise<void> {
  let running: Promise<void> | undefined;
  let next: Promise<void> | undefined;
  const flush = (): Promise<void> => {
    if (!running) {
      running = once().finally(() => {
        running = undefined;
      });
      return running;
    }
    // The flush in flight may have started before this caller's commit: queue one more.
    next ??= running
      .catch(() => undefined)
      .then(() => {
        next = undefined;
        return flush();
      });
    return next;
  };
  return flush;
}

/**
 * Transactions take the write lock at BEGIN. The delivery committer writes
 * from its own connection (a worker thread); a deferred transaction that read
 * before that commit could not write after it (SQLITE_BUSY_SNAPSHOT, which
 * the busy timeout does not retry), while BEGIN IMMEDIATE waits its turn.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #database: SqliteDatabase;
  constructor(database: SqliteDatabase) {
    super({ database });
    this.#database = database;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver({ database: this.#database });
  }
}

/**
 * Opens one connection to the SQLite file, without migrating: `openDatabase`
 * for the process, or directly by the delivery committer's worker thread.
 */
export function openSqliteFile(file: string): Database {
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  // FULL: every commit fsyncs the WAL, so a committed row survives power loss (see durableTransaction).
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<DB>({ dialect: new ImmediateSqliteDialect(withStatementCache(sqlite)) });
  const flushLog = createLogFlusher(`${file}-wal`);
  return {
    db,
    engine: 'sqlite',
    file,
    async durableTransaction(fn) {
      // One connection, held throughout: nothing else runs between the pragmas and the transaction.
      const result = await db.connection().execute(async (conn) => {
        await sql`pragma synchronous = normal`.execute(conn);
        try {
          return await conn.transaction().execute(fn);
        } finally {
          await sql`pragma synchronous = full`.execute(conn);
        }
      });
      await flushLog();
      return result;
    },
    close: () => db.destroy(),
  };
}

function openSqlite(dataDir: string): Database {
  mkdirSync(dataDir, { recursive: true });
  return openSqliteFile(join(dataDir, 'jdmail.db'));
}

/** `pg` is loaded only when PostgreSQL is used: the embedded default does not pay for it. */
async function openPostgres(url: string): Promise<Database> {
  const { default: pg } = await import('pg');
  // int8 (bigint) columns hold epoch ms, sizes and counters: all far below
  // 2^53, so they are returned as numbers on PostgreSQL as they are on SQLite.
  pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    engine: 'postgres',
    durableTransaction: (fn) => db.transaction().execute(fn),
    close: () => db.destroy(),
  };
}

/** Opens the metadata database and brings its schema up to date. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const url = options.databaseUrl ?? '';
  const database = /^postgres(ql)?:\/\//.test(url) ? await openPostgres(url) : openSqlite(options.dataDir);
  const migrator = new Migrator({ db: database.db, provider: migrationProvider });
  const { error } = await migrator.migrateToLatest();
  if (error) {
    await database.close();
    throw new Error(`database migration failed: ${(error as Error).message ?? String(error)}`);
  }
  return database;
}
