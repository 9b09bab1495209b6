import type { TestProject } from 'vitest/node';
import { postgresInstalled, startPostgres } from './postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's PostgreSQL cluster (`postgres://postgres@127.0.0.1:PORT/jdmail`), see below. */
    postgresUrl?: string;
  }
}

/**
 * vitest globalSetup: one throwaway PostgreSQL cluster for the whole run,
 * instead of one per test file (initdb, start and a shutdown checkpoint
 * cost seconds each time). Each file makes its own databases in it and
 * drops them when it ends (harness/databases.ts, `sharePostgres`), so files
 * running at once share nothing but the server process. A worker may hold
 * about 200 connections (a file's servers and pools), as a cluster of its
 * own allowed; the cluster has room for every worker at once. Without
 * PostgreSQL installed nothing starts: the files that need it fail as they
 * did before (naming the package), the others run.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (!(await postgresInstalled())) return undefined;
  const workers = project.vitest.config.maxWorkers;
  const server = await startPostgres({ maxConnections: 200 * Math.max(2, workers) });
  project.provide('postgresUrl', server.url);
  return () => server.stop();
}
