import { type Kysely, type Migration, PostgresAdapter } from 'kysely';

/**
 * The event log (`events/`): one row per change that matters to an
 * integrator, written only by `appendEvents`, in the transaction of the
 * change it describes (a transactional outbox).
 *
 * - `position`: the cursor. SQLite's AUTOINCREMENT never hands out a rowid
 *   again, even after the retention prune emptied the table (a plain INTEGER
 *   PRIMARY KEY would start again at max+1 and reuse a cursor a client holds);
 *   PostgreSQL's identity sequence never goes back either.
 * - `id`: a UUID v7, the CloudEvents `id` and the webhook-id consumers
 *   de-duplicate by.
 * - `domain`, `address`: what a scoped reader may see (a domain-restricted
 *   key, one user); indexed with the position so a scoped read walks only its
 *   own rows.
 * - `time`: epoch ms, for the retention prune.
 */
export const events: Migration = {
  async up(db: Kysely<unknown>) {
    const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
    await db.schema
      .createTable('event_log')
      .addColumn('position', postgres ? 'bigserial' : 'integer', (c) =>
        postgres ? c.primaryKey() : c.primaryKey().autoIncrement(),
      )
      .addColumn('id', 'text', (c) => c.notNull().unique())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('time', 'bigint', (c) => c.notNull())
      .addColumn('domain', 'text')
      .addColumn('address', 'text')
      .addColumn('data', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('event_log_domain').on('event_log').columns(['domain', 'position']).execute();
    await db.schema
      .createIndex('event_log_address')
      .on('event_log')
      .columns(['address', 'position'])
      .execute();
    await db.schema.createIndex('event_log_time').on('event_log').column('time').execute();
  },
};
