import type { Kysely, Migration } from 'kysely';

/**
 * The filter pipeline's outcomes (issue 24):
 *
 * - `message_filter_results`: the combined verdict, score and reasons of a
 *   message, one row per body (every recipient's copy shares the blob), written
 *   in the delivery's transaction like `message_auth_results`, removed with the
 *   body.
 * - `quarantine`: messages held for an administrator, one row per message and
 *   recipient domain (a domain admin sees their domain's rows). A row holds a
 *   reference to its body: the store's blob reference checks count it, as they
 *   count `queue_messages`.
 */
export const filter: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('message_filter_results')
      .addColumn('blob_id', 'text', (c) => c.primaryKey())
      .addColumn('verdict', 'text', (c) => c.notNull())
      .addColumn('score', 'real')
      .addColumn('reasons', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('quarantine')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('blob_id', 'text', (c) => c.notNull())
      .addColumn('domain', 'text', (c) => c.notNull())
      .addColumn('mail_from', 'text', (c) => c.notNull())
      // JSON: [{ userId, address }], the held copy's recipients in `domain`.
      .addColumn('recipients', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('header_message_id', 'text')
      .addColumn('size', 'bigint', (c) => c.notNull())
      .addColumn('score', 'real')
      .addColumn('reasons', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('quarantine_blob').on('quarantine').column('blob_id').execute();
    await db.schema.createIndex('quarantine_domain').on('quarantine').columns(['domain', 'id']).execute();
  },
};
