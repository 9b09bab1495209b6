import type { Kysely, Migration } from 'kysely';

/**
 * Sender history (filter/spam/sender-history.ts), a mail feature of the spam
 * score: per local domain, the remote addresses (and, as `@domain`, their
 * domains) that its users have written to, and those whose mail was learned
 * as ham there. Counters, upserted; read at DATA through a cache.
 */
export const senderHistory: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('sender_history')
      .addColumn('domain', 'text', (c) => c.notNull())
      .addColumn('sender', 'text', (c) => c.notNull())
      .addColumn('written', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('ham', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('sender_history_pk', ['domain', 'sender'])
      .execute();
  },
};
