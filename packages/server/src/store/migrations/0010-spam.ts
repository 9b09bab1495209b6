import { type Kysely, type Migration, PostgresAdapter } from 'kysely';

/**
 * The spam classifier's token database (see `filter/spam/`):
 *
 * - `spam_tokens`: how many learned spam and ham messages held each token, per
 *   scope (`''` = the global model, else a user id). Token ids are 53-bit
 *   hashes of the token text (`filter/spam/token-hash.ts`), so the table never
 *   holds words of anyone's mail. `at` is when the row last changed (a learn
 *   or an unlearn; rows counted down to zero stay, stamped): each node's
 *   in-memory copy of the global model re-reads the rows changed since its
 *   last look by it (`spam_tokens_changed`), and a future expiry of tokens
 *   seen once long ago (SpamAssassin's `bayes_expiry`) will use it too.
 * - `spam_totals`: the learned message counts per scope, Robinson's nspam/nham.
 * - `spam_learned`: one row per learned message and scope, keyed by a hash of
 *   its Message-ID (or of its bytes when it has none): learning it again is a
 *   no-op, learning it as the other class moves its counts, and unlearning
 *   needs only the key — the token ids are kept in `tokens` (8 bytes each).
 *
 * Counts change by relative updates inside one transaction, so several nodes
 * may learn at once against the same PostgreSQL database.
 */
export const spam: Migration = {
  async up(db: Kysely<unknown>) {
    const binary = db.getExecutor().adapter instanceof PostgresAdapter ? 'bytea' : 'blob';
    await db.schema
      .createTable('spam_tokens')
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('token', 'bigint', (c) => c.notNull())
      .addColumn('spam', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('ham', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('spam_tokens_pk', ['scope', 'token'])
      .execute();
    await db.schema.createIndex('spam_tokens_changed').on('spam_tokens').columns(['scope', 'at']).execute();
    await db.schema
      .createTable('spam_totals')
      .addColumn('scope', 'text', (c) => c.primaryKey())
      .addColumn('spam', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('ham', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createTable('spam_learned')
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('message_key', 'text', (c) => c.notNull())
      .addColumn('class', 'text', (c) => c.notNull())
      .addColumn('tokens', binary, (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('spam_learned_pk', ['scope', 'message_key'])
      .execute();
  },
};
