import type { Kysely, Migration } from 'kysely';

/**
 * The outbound queue and the message trace (issue 23).
 *
 * - `queue_messages`: one row per queued message; `blob_id` references its
 *   body (the store's immutable blobs), which is released once the row goes.
 * - `queue_domains`: one delivery job per (message, destination domain). The
 *   claim reads `next_attempt_at <= now` in order from `queue_domains_due`:
 *   a `sending` row carries its lease's end there, so due, deferred and
 *   abandoned jobs are one range of one index, and the claim touches only the
 *   rows it takes however long the queue is.
 * - `queue_recipients`: each recipient's state and last remote answer.
 * - `message_trace`: every hop of a message; read by Message-ID, by sender or
 *   recipient and time, and pruned by time.
 *
 * No foreign keys, as elsewhere in the store: the queue code deletes a job's
 * recipients with it, in one transaction.
 */
export const outbound: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('queue_messages')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('blob_id', 'text', (c) => c.notNull())
      .addColumn('size', 'bigint', (c) => c.notNull())
      .addColumn('mail_from', 'text', (c) => c.notNull())
      .addColumn('sender_user_id', 'text')
      .addColumn('sender_domain', 'text', (c) => c.notNull())
      .addColumn('header_message_id', 'text')
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('smtputf8', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('queue_messages_blob').on('queue_messages').column('blob_id').execute();
    await db.schema
      .createIndex('queue_messages_sender_domain')
      .on('queue_messages')
      .column('sender_domain')
      .execute();

    await db.schema
      .createTable('queue_domains')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('queue_message_id', 'text', (c) => c.notNull())
      .addColumn('domain', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
      .addColumn('lease_owner', 'text')
      .addColumn('lease_until', 'bigint')
      .addColumn('last_code', 'integer')
      .addColumn('last_enhanced', 'text')
      .addColumn('last_response', 'text')
      .addColumn('last_attempt_at', 'bigint')
      .addColumn('delay_notified', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('queue_domains_due')
      .on('queue_domains')
      .columns(['next_attempt_at', 'id'])
      .execute();
    await db.schema
      .createIndex('queue_domains_message')
      .on('queue_domains')
      .column('queue_message_id')
      .execute();
    await db.schema
      .createIndex('queue_domains_domain')
      .on('queue_domains')
      .columns(['domain', 'id'])
      .execute();

    await db.schema
      .createTable('queue_recipients')
      .addColumn('queue_domain_id', 'text', (c) => c.notNull())
      .addColumn('queue_message_id', 'text', (c) => c.notNull())
      .addColumn('address', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('code', 'integer')
      .addColumn('enhanced', 'text')
      .addColumn('response', 'text')
      .addColumn('remote_host', 'text')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('queue_recipients_pk', ['queue_domain_id', 'address'])
      .execute();
    await db.schema
      .createIndex('queue_recipients_address')
      .on('queue_recipients')
      .column('address')
      .execute();

    await db.schema
      .createTable('message_trace')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('event', 'text', (c) => c.notNull())
      .addColumn('message_id', 'text')
      .addColumn('queue_id', 'text')
      .addColumn('sender', 'text', (c) => c.notNull())
      .addColumn('sender_domain', 'text', (c) => c.notNull())
      .addColumn('recipient', 'text')
      .addColumn('recipient_domain', 'text')
      .addColumn('detail', 'text')
      .execute();
    await db.schema
      .createIndex('message_trace_message_id')
      .on('message_trace')
      .columns(['message_id', 'at'])
      .execute();
    await db.schema
      .createIndex('message_trace_sender')
      .on('message_trace')
      .columns(['sender', 'at'])
      .execute();
    await db.schema
      .createIndex('message_trace_recipient')
      .on('message_trace')
      .columns(['recipient', 'at'])
      .execute();
    await db.schema.createIndex('message_trace_at').on('message_trace').columns(['at', 'id']).execute();
  },
};
