import { type Kysely, type Migration, PostgresAdapter } from 'kysely';

/**
 * Small message bodies in the database, committed by the same transaction as
 * their index rows (see `store/bodies.ts`). Keyed by blob id like the body
 * files, so a message row does not say where its body is: the store looks
 * here first. No foreign key: one body serves every recipient's row, and a
 * body is released only once no row references it.
 */
export const messageBodies: Migration = {
  async up(db: Kysely<unknown>) {
    const binary = db.getExecutor().adapter instanceof PostgresAdapter ? 'bytea' : 'blob';
    await db.schema
      .createTable('message_bodies')
      .addColumn('blob_id', 'text', (c) => c.primaryKey())
      .addColumn('data', binary, (c) => c.notNull())
      .execute();
  },
};
