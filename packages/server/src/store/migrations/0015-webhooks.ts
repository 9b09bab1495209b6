import type { Kysely, Migration } from 'kysely';

/**
 * Webhooks (events/webhooks): registered endpoints with their delivery
 * state, and the log of delivery attempts.
 *
 * One row per endpoint holds its configuration and its place in the event
 * log: `cursor` is the last position delivered (or skipped by its filters),
 * so an endpoint resumes where it stopped after a crash or a re-enable.
 * `lease_owner`/`lease_until` say which node works the endpoint (one at a
 * time, so deliveries stay in order), as the outbound queue's jobs do;
 * `next_attempt_at` is when a failed delivery is retried.
 *
 * The secret is kept in clear (base64 in `whsec_…` form): signing needs the
 * key itself, not a hash. `previous_secret` signs alongside it until
 * `previous_expires_at`, after a rotation.
 */
export const webhooks: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('webhook_endpoints')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      // JSON arrays: event types ('message.new', 'user.*') and domains; [] = all.
      .addColumn('event_types', 'text', (c) => c.notNull())
      .addColumn('domains', 'text', (c) => c.notNull())
      // The tenant: events of this domain only, managed by its admins; null = install-wide.
      .addColumn('domain_id', 'text', (c) => c.references('domains.id').onDelete('cascade'))
      // Who registered it: 'api_key:<id>', 'app:<client id>' or 'user:<id>'.
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('disabled_reason', 'text')
      .addColumn('secret', 'text', (c) => c.notNull())
      .addColumn('previous_secret', 'text')
      .addColumn('previous_expires_at', 'bigint')
      .addColumn('cursor', 'bigint', (c) => c.notNull())
      .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('failing_since', 'bigint')
      .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
      .addColumn('lease_owner', 'text')
      .addColumn('lease_until', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('webhook_endpoints_domain')
      .on('webhook_endpoints')
      .column('domain_id')
      .execute();

    await db.schema
      .createTable('webhook_attempts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('endpoint_id', 'text', (c) =>
        c.notNull().references('webhook_endpoints.id').onDelete('cascade'),
      )
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('event_type', 'text', (c) => c.notNull())
      .addColumn('position', 'bigint', (c) => c.notNull())
      .addColumn('attempt', 'integer', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('ok', 'integer', (c) => c.notNull())
      .addColumn('status', 'integer')
      .addColumn('duration_ms', 'integer', (c) => c.notNull())
      .addColumn('error', 'text')
      .addColumn('response', 'text')
      .execute();
    // Listing one endpoint's attempts, newest first; ids sort by time.
    await db.schema
      .createIndex('webhook_attempts_endpoint')
      .on('webhook_attempts')
      .columns(['endpoint_id', 'id'])
      .execute();
    await db.schema.createIndex('webhook_attempts_at').on('webhook_attempts').column('at').execute();
  },
};
