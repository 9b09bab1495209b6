import type { Kysely, Migration } from 'kysely';

/**
 * Delta sync (`GET /users/{address}/messages/changes`) names removed messages
 * by their id, which the journal's `expunge` rows did not keep (the message
 * row is gone by then). `mail_changes.message_id` holds it on expunge rows
 * written from now on (expunge, move, INBOX rename); other rows leave it
 * null. Sync tokens are only minted after this migration, so no token ever
 * needs an older expunge row's id.
 */
export const journalMessageIds: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('mail_changes').addColumn('message_id', 'text').execute();
  },
};
