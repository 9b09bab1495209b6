import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Directory sync (LDAP/AD): where users and groups come from, the runs of
 * the sync job, and each source's incremental-sync state.
 */
export const ldap: Migration = {
  async up(db: Kysely<unknown>) {
    // One column per statement: SQLite's ALTER TABLE adds one at a time.
    for (const [column, type] of [
      ['source', 'text'],
      ['external_id', 'text'],
      ['source_dn', 'text'],
      ['source_missing_since', 'bigint'],
    ] as const) {
      await db.schema.alterTable('users').addColumn(column, type).execute();
    }
    await db.schema
      .alterTable('users')
      .addColumn('source_disabled', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    // NULLs are distinct in unique indexes on both engines, so local users (source null) never collide.
    await db.schema
      .createIndex('users_source_external')
      .on('users')
      .columns(['source', 'external_id'])
      .unique()
      .execute();

    await db.schema.alterTable('groups').addColumn('source', 'text').execute();
    await db.schema.alterTable('groups').addColumn('external_id', 'text').execute();
    await db.schema
      .createIndex('groups_source_external')
      .on('groups')
      .columns(['source', 'external_id'])
      .unique()
      .execute();

    await db.schema
      .createTable('directory_sync_runs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('dry_run', 'integer', (c) => c.notNull())
      .addColumn('forced', 'integer', (c) => c.notNull())
      .addColumn('trigger', 'text', (c) => c.notNull())
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('finished_at', 'bigint')
      .addColumn('heartbeat_at', 'bigint', (c) => c.notNull())
      .addColumn('progress', 'text', (c) => c.notNull())
      .addColumn('report', 'text')
      .addColumn('error', 'text')
      .execute();
    await db.schema
      .createIndex('directory_sync_runs_source')
      .on('directory_sync_runs')
      .columns(['source', 'id'])
      .execute();
    // At most one running run per source, across processes and nodes: the job lock.
    await db.schema
      .createIndex('directory_sync_runs_running')
      .on('directory_sync_runs')
      .column('source')
      .unique()
      .where(sql.ref('status'), '=', 'running')
      .execute();

    await db.schema
      .createTable('directory_sources')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('change_mark', 'text')
      .addColumn('last_full_at', 'bigint')
      .addColumn('last_sync_at', 'bigint')
      .execute();
  },
};
