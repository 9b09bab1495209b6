import type { Kysely, Migration } from 'kysely';

/** The first schema: directory, API keys, mailboxes and the message index. */
export const initial: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('meta')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('domains')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('address', 'text', (c) => c.notNull().unique())
      .addColumn('domain_id', 'text', (c) => c.notNull().references('domains.id'))
      .addColumn('display_name', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('password_hash', 'text')
      .addColumn('quota_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('used_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('role', 'text', (c) => c.notNull().defaultTo('user'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('password_changed_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('users_domain').on('users').columns(['domain_id', 'address']).execute();

    await db.schema
      .createTable('admin_domains')
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('domain_id', 'text', (c) => c.notNull().references('domains.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('admin_domains_pk', ['user_id', 'domain_id'])
      .execute();

    await db.schema
      .createTable('aliases')
      .addColumn('address', 'text', (c) => c.primaryKey())
      .addColumn('domain_id', 'text', (c) => c.notNull().references('domains.id'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('aliases_user').on('aliases').column('user_id').execute();

    await db.schema
      .createTable('groups')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('domain_id', 'text', (c) => c.notNull().references('domains.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('parent_id', 'text', (c) => c.references('groups.id'))
      .addColumn('address', 'text', (c) => c.unique())
      .addColumn('sort_order', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('groups_parent').on('groups').columns(['domain_id', 'parent_id']).execute();

    await db.schema
      .createTable('group_members')
      .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('group_members_pk', ['group_id', 'user_id'])
      .execute();
    await db.schema.createIndex('group_members_user').on('group_members').column('user_id').execute();

    await db.schema
      .createTable('api_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('prefix', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull().unique())
      .addColumn('scopes', 'text', (c) => c.notNull())
      .addColumn('domain_id', 'text', (c) => c.references('domains.id').onDelete('cascade'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_used_at', 'bigint')
      .addColumn('revoked_at', 'bigint')
      .execute();

    await db.schema
      .createTable('mailboxes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('special_use', 'text')
      .addColumn('uid_validity', 'bigint', (c) => c.notNull())
      .addColumn('uid_next', 'bigint', (c) => c.notNull().defaultTo(1))
      .addColumn('highest_modseq', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('total', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('unread', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('size', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('mailboxes_user_name', ['user_id', 'name'])
      .execute();

    await db.schema
      .createTable('messages')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('mailbox_id', 'text', (c) => c.notNull().references('mailboxes.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('uid', 'bigint', (c) => c.notNull())
      .addColumn('modseq', 'bigint', (c) => c.notNull())
      .addColumn('seen', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('flagged', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('answered', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('draft', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('keywords', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('internal_date', 'bigint', (c) => c.notNull())
      .addColumn('size', 'bigint', (c) => c.notNull())
      .addColumn('from_name', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('from_address', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('to_json', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('cc_json', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('subject', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('date', 'bigint')
      .addColumn('message_id', 'text')
      .addColumn('preview', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('has_attachments', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('blob_id', 'text', (c) => c.notNull())
      .addUniqueConstraint('messages_mailbox_uid', ['mailbox_id', 'uid'])
      .execute();
    await db.schema
      .createIndex('messages_unread')
      .on('messages')
      .columns(['mailbox_id', 'seen', 'uid'])
      .execute();
    await db.schema.createIndex('messages_blob').on('messages').column('blob_id').execute();
    await db.schema.createIndex('messages_user').on('messages').column('user_id').execute();
  },
};
