import { type Kysely, type Migration, sql } from 'kysely';

/**
 * IMAP's needs of the store:
 *
 * - `mail_changes`, the change journal: one row per change to a message in a
 *   mailbox (`new`, `flags`, `expunge`) with its modseq, written by the
 *   transaction that makes the change. The primary key serves `changesSince`
 *   (mailbox, modseq > n); `at` serves the retention prune. Rows go with their
 *   mailbox.
 * - `mailboxes.journal_floor`: the highest modseq whose rows may have been
 *   pruned, so `changesSince` knows when it no longer has the whole story;
 *   `mailboxes.deleted`: the `\Deleted` count (STATUS DELETED).
 * - `messages.deleted`: the `\Deleted` flag.
 * - `users.mail_uid_validity`: the last UIDVALIDITY given to one of the
 *   user's mailboxes, so a name used again never gets a value it had.
 * - `mailbox_subscriptions`: subscribed names (RFC 9051 §6.3.7: a name may be
 *   subscribed without existing). Every existing mailbox starts subscribed,
 *   as new users' default mailboxes are, so clients that show subscribed
 *   folders only (Thunderbird's default) see them.
 */
export const mailJournal: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('messages')
      .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable('mailboxes')
      .addColumn('deleted', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable('mailboxes')
      .addColumn('journal_floor', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable('users')
      .addColumn('mail_uid_validity', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();

    await db.schema
      .createTable('mail_changes')
      .addColumn('mailbox_id', 'text', (c) => c.notNull().references('mailboxes.id').onDelete('cascade'))
      .addColumn('modseq', 'bigint', (c) => c.notNull())
      .addColumn('uid', 'bigint', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('mail_changes_pk', ['mailbox_id', 'modseq', 'uid'])
      .execute();
    await db.schema.createIndex('mail_changes_at').on('mail_changes').column('at').execute();
    // Mailboxes that already have changes start with everything before now pruned: no rows exist for them.
    await db
      .updateTable('mailboxes' as never)
      .set({ journal_floor: sql`highest_modseq` } as never)
      .execute();

    await db.schema
      .createTable('mailbox_subscriptions')
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('mailbox_subscriptions_pk', ['user_id', 'name'])
      .execute();
    await sql`insert into mailbox_subscriptions (user_id, name) select user_id, name from mailboxes`.execute(
      db,
    );
  },
};
