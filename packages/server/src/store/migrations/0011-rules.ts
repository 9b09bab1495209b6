import type { Kysely, Migration } from 'kysely';

/**
 * Filter rules and group mail policies (issue 24). One row per rule set:
 * the install's (`system`), a domain's or a user's, as ordered JSON; the
 * owner's row cascades away with the domain or user. The vacation log
 * remembers when each user last auto-replied to each sender (RFC 3834 §2:
 * once per sender per N days). A group's mail policy is one JSON row.
 */
export const rules: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('filter_rules')
      // 'system', 'domain:<id>' or 'user:<id>': one row per owner whatever the engine does with NULLs.
      .addColumn('owner_key', 'text', (c) => c.primaryKey())
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('domain_id', 'text', (c) => c.references('domains.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
      .addColumn('rules', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('vacation_replies')
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('sender', 'text', (c) => c.notNull())
      .addColumn('replied_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('vacation_replies_pk', ['user_id', 'sender'])
      .execute();
    await db.schema.createIndex('vacation_replies_at').on('vacation_replies').column('replied_at').execute();
    await db.schema
      .createTable('group_policies')
      .addColumn('group_id', 'text', (c) => c.primaryKey().references('groups.id').onDelete('cascade'))
      .addColumn('policy', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
