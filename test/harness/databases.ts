import { afterAll, inject } from 'vitest';
import { type PostgresServer, sharePostgres, startPostgres } from './postgres.js';
import { tempDirs } from './tmp.js';

/** The metadata engines every store test runs on. */
export type EngineName = 'sqlite' | 'postgres';

export const ENGINES: readonly EngineName[] = ['sqlite', 'postgres'];

/** A fresh, empty database; `dataDir` and `databaseUrl` go straight to `openDatabase`. */
export interface TestDatabase {
  engine: EngineName;
  /** An empty data directory (SQLite file, blobs …). */
  dataDir: string;
  /** `''` for SQLite, a `postgres://` URL of a new database otherwise. */
  databaseUrl: string;
}

export interface Databases {
  readonly engines: readonly EngineName[];
  /** A new empty database on `engine`, with its own data directory. */
  fresh(engine: EngineName): Promise<TestDatabase>;
}

/**
 * Runs one suite on both engines. Call once at the top of a test file:
 *
 * ```ts
 * const databases = useDatabases();
 * describe.each(databases.engines)('store on %s', (engine) => {
 *   beforeEach(async () => { const t = await databases.fresh(engine); … });
 * });
 * ```
 *
 * PostgreSQL: a new database per `fresh()` (cheap) in the run's cluster
 * (harness/postgres-global.ts), or, without one (a runner not using
 * vitest.config.ts), in a cluster of this file's own started on first use.
 * Everything is removed after the file: its databases, its directories.
 */
export function useDatabases(): Databases {
  const dirs = tempDirs();
  let postgres: Promise<PostgresServer> | undefined;
  afterAll(async () => {
    const server = await postgres?.catch(() => undefined);
    await server?.stop();
    await dirs.removeAll();
  });
  return {
    engines: ENGINES,
    async fresh(engine) {
      const dataDir = await dirs.make(`jdmail-${engine}-`);
      if (engine === 'sqlite') return { engine, dataDir, databaseUrl: '' };
      const shared = inject('postgresUrl');
      postgres ??= shared ? Promise.resolve(sharePostgres(shared)) : startPostgres();
      const server = await postgres;
      return { engine, dataDir, databaseUrl: await server.createDatabase() };
    },
  };
}
