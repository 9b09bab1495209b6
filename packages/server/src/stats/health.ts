import { type Kysely, sql } from 'kysely';
import type { DB } from '../store/index.js';
import type { HealthComponent, HealthStatus, LastSync } from './types.js';

/** What the health of the dashboard is made of, besides the database it queries. */
export interface HealthInputs {
  /** Every listener is up (what `/readyz` answers). */
  isReady: () => boolean;
  /** Directory sources are configured (their last run then counts). */
  hasDirectorySources: boolean;
}

/** The database answers a trivial query. */
async function databaseHealth(db: Kysely<DB>): Promise<HealthComponent> {
  try {
    await sql`select 1`.execute(db);
    return { name: 'database', status: 'ok' };
  } catch (err) {
    return { name: 'database', status: 'down', detail: (err as Error).message.slice(0, 200) };
  }
}

/**
 * The server's parts: the database, the listeners (`/readyz`), and, with
 * directory sources, whether the last sync succeeded. The whole is the worst
 * of its parts.
 */
export async function healthOf(
  db: Kysely<DB>,
  inputs: HealthInputs,
  lastSync: LastSync | null,
): Promise<{ status: HealthStatus; components: HealthComponent[] }> {
  const components: HealthComponent[] = [
    await databaseHealth(db),
    inputs.isReady()
      ? { name: 'listeners', status: 'ok' }
      : { name: 'listeners', status: 'down', detail: 'not every listener is up' },
  ];
  if (inputs.hasDirectorySources) {
    components.push(
      lastSync === null || lastSync.ok
        ? { name: 'directorySync', status: 'ok' }
        : { name: 'directorySync', status: 'degraded', detail: `last run ${lastSync.status}` },
    );
  }
  const worst: HealthStatus = components.some((c) => c.status === 'down')
    ? 'down'
    : components.some((c) => c.status === 'degraded')
      ? 'degraded'
      : 'ok';
  return { status: worst, components };
}
