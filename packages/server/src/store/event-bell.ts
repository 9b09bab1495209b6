/**
 * Rung after a transaction that appended events has committed, in this
 * process: how `events/` learns at once that the log grew, without polling
 * (other nodes learn through PostgreSQL NOTIFY, see `appendEvents`).
 *
 * The drivers ring it: every connection's queries are watched for an insert
 * into `event_log`, and the commit of a transaction that made one rings the
 * bell (a rollback forgets it). So no caller of `appendEvents` has to
 * remember to ring, and a rolled-back change never wakes anyone.
 */
import { type DatabaseConnection, PostgresDialect, type PostgresDialectConfig, PostgresDriver } from 'kysely';

export interface EventBell {
  /** Says that events were committed. Listeners run on a later tick. */
  ring(): void;
  /** Adds a listener; returns its removal. */
  listen(listener: () => void): () => void;
}

export function createEventBell(): EventBell {
  const listeners = new Set<() => void>();
  let scheduled = false;
  return {
    ring() {
      if (scheduled || listeners.size === 0) return;
      scheduled = true;
      // Coalesced: many commits in one tick wake each listener once.
      queueMicrotask(() => {
        scheduled = false;
        for (const l of [...listeners]) l();
      });
    },
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Both engines compile the insert so (the PostgreSQL one inside a `with`). */
const EVENT_INSERT = 'insert into "event_log"';

/** Watches connections for event inserts and rings the bell when their transaction commits. */
export function eventWriteWatcher(bell: EventBell) {
  const watched = new WeakSet<DatabaseConnection>();
  const wrote = new WeakSet<DatabaseConnection>();
  return {
    /** Wraps the connection's `executeQuery` once (its own method, called on itself). */
    watch(connection: DatabaseConnection): void {
      if (watched.has(connection)) return;
      watched.add(connection);
      const run = connection.executeQuery.bind(connection);
      connection.executeQuery = (query) => {
        if (query.sql.includes(EVENT_INSERT)) wrote.add(connection);
        return run(query);
      };
    },
    committed(connection: DatabaseConnection): void {
      if (wrote.delete(connection)) bell.ring();
    },
    rolledBack(connection: DatabaseConnection): void {
      wrote.delete(connection);
    },
  };
}

export type EventWriteWatcher = ReturnType<typeof eventWriteWatcher>;

type PostgresConnection = Parameters<PostgresDriver['releaseConnection']>[0];

class WatchedPostgresDriver extends PostgresDriver {
  readonly #watcher: EventWriteWatcher;
  constructor(config: PostgresDialectConfig, watcher: EventWriteWatcher) {
    super(config);
    this.#watcher = watcher;
  }
  override async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await super.acquireConnection();
    this.#watcher.watch(connection);
    return connection;
  }
  override async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await super.commitTransaction(connection);
    this.#watcher.committed(connection);
  }
  override async rollbackTransaction(connection: PostgresConnection): Promise<void> {
    this.#watcher.rolledBack(connection);
    await super.rollbackTransaction(connection);
  }
  /** An insert outside a transaction committed by itself. */
  override async releaseConnection(connection: PostgresConnection): Promise<void> {
    this.#watcher.committed(connection);
    await super.releaseConnection(connection);
  }
}

/** PostgreSQL's dialect with a driver that rings `bell` after event-writing commits. */
export class WatchedPostgresDialect extends PostgresDialect {
  readonly #config: PostgresDialectConfig;
  readonly #watcher: EventWriteWatcher;
  constructor(config: PostgresDialectConfig, bell: EventBell) {
    super(config);
    this.#config = config;
    this.#watcher = eventWriteWatcher(bell);
  }
  override createDriver() {
    return new WatchedPostgresDriver(this.#config, this.#watcher);
  }
}
