import type { Kysely, Migration } from 'kysely';

/**
 * Users' own settings (settings/, issue 21): language, signature, auto-reply
 * (vacation) and forwarding, one row per user that has saved any (absent:
 * the defaults), gone with the user. The auto-reply memory remembers when
 * each user last auto-replied to each sender (RFC 3834 §2, RFC 5230 §4.6:
 * at most once per sender per `days`); it is apart from the rules'
 * `vacation_replies` so that a new auto-reply period starts afresh.
 */
export const userSettings: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('user_settings')
      .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
      .addColumn('language', 'text')
      .addColumn('signature_text', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('signature_html', 'text', (c) => c.notNull().defaultTo(''))
      // JSON (settings/types.ts Vacation and Forwarding); null: never set.
      .addColumn('vacation', 'text')
      .addColumn('forwarding', 'text')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('auto_replies')
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('sender', 'text', (c) => c.notNull())
      .addColumn('replied_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('auto_replies_pk', ['user_id', 'sender'])
      .execute();
  },
};
