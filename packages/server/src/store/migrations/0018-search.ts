import { type Kysely, type Migration, PostgresAdapter, sql } from 'kysely';

/**
 * The full-text search index (`search/`): one document per message body (blob), so every
 * recipient's, copied and moved row shares it, and a search joins `messages` for the
 * mailbox, flags and ownership (a deleted or expunged row simply stops joining).
 *
 * - SQLite: `search_docs` maps a blob to an integer id, the rowid of its row in `search_fts`,
 *   a contentless FTS5 table (the text is not stored twice; `contentless_delete` lets a
 *   document go) with one column per field. Its `ascii` tokenizer splits on ASCII spaces only
 *   at our pre-cut tokens (see `search/tokens.ts`), which it leaves whole.
 * - PostgreSQL: `search_docs.doc`, every field's tokens as one tsvector (fields apart by a gap,
 *   so no phrase spans two), and `head`, the header fields weighted (A subject, B from, C to/cc,
 *   D attachment names) for `from:` and the like; both GIN-indexed.
 *
 * `messages (user_id, internal_date)` serves a search's order (newest first) over every folder.
 */
export const search: Migration = {
  async up(db: Kysely<unknown>) {
    const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
    if (postgres) {
      await db.schema
        .createTable('search_docs')
        .addColumn('blob_id', 'text', (c) => c.primaryKey())
        .addColumn('doc', sql`tsvector`, (c) => c.notNull())
        .addColumn('head', sql`tsvector`, (c) => c.notNull())
        .addColumn('indexed_at', 'bigint', (c) => c.notNull())
        .execute();
      await sql`CREATE INDEX search_docs_doc ON search_docs USING gin (doc)`.execute(db);
      await sql`CREATE INDEX search_docs_head ON search_docs USING gin (head)`.execute(db);
    } else {
      await db.schema
        .createTable('search_docs')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('blob_id', 'text', (c) => c.notNull().unique())
        .addColumn('indexed_at', 'bigint', (c) => c.notNull())
        .execute();
      await sql`CREATE VIRTUAL TABLE search_fts USING fts5(
        subject, sender, recipients, attachments, body,
        content='', contentless_delete=1, tokenize='ascii')`.execute(db);
    }
    await db.schema
      .createIndex('messages_user_date')
      .on('messages')
      .columns(['user_id', 'internal_date'])
      .execute();
  },
};
