import type { Kysely, Migration } from 'kysely';

/**
 * Greylisting state (filter/greylist): one row per (client network, sender,
 * recipient) triplet, keyed by a hash of the three, in the SQL store so that
 * every node behind one MX name agrees on what it has seen. `expires_at` is
 * when the row may go (the retry window of a new triplet, the pass lifetime
 * of one that passed); the pruner deletes by it.
 */
export const greylist: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('greylist')
      .addColumn('triplet', 'text', (c) => c.primaryKey())
      .addColumn('first_seen', 'bigint', (c) => c.notNull())
      .addColumn('passed_at', 'bigint')
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('greylist_expires').on('greylist').column('expires_at').execute();
  },
};
