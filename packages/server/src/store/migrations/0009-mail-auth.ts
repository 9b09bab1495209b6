import type { Kysely, Migration } from 'kysely';

/**
 * Mail authentication (issue 23):
 *
 * - `dkim_keys`: the DKIM keys of each domain (RFC 6376). One is active (the
 *   signer's); a rotation adds a new active one under a new selector and keeps
 *   the old rows inactive, so the admin can leave the old DNS record published
 *   until mail signed with it has been delivered. Rows go with their domain.
 * - `message_auth_results`: what the MX found when it checked an inbound
 *   message (SPF, DKIM, DMARC, ARC and the `Authentication-Results` header it
 *   added), one row per message body: every recipient's copy shares the blob,
 *   so a message to 50 users costs one row, written in the delivery's own
 *   transaction. Mail that was not checked (trusted networks, submission) has
 *   no row. The row is removed with the body (`BodyStore.remove`).
 */
export const mailAuth: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('dkim_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('domain_id', 'text', (c) => c.notNull().references('domains.id').onDelete('cascade'))
      .addColumn('selector', 'text', (c) => c.notNull())
      .addColumn('algorithm', 'text', (c) => c.notNull())
      .addColumn('private_key', 'text', (c) => c.notNull())
      .addColumn('public_key', 'text', (c) => c.notNull())
      .addColumn('active', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('dkim_keys_domain_selector', ['domain_id', 'selector'])
      .execute();

    await db.schema
      .createTable('message_auth_results')
      .addColumn('blob_id', 'text', (c) => c.primaryKey())
      .addColumn('results', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
