import type { Kysely, Migration } from 'kysely';

/**
 * The admin audit log (`audit/`): one row per state-changing API request
 * (POST/PUT/PATCH/DELETE on `/api/v1` and `/scim/v2`), written after its
 * response. Never a body, a secret or a key: who, what, on which object,
 * how it ended.
 *
 * - `id`: `newId()` — time-ordered, so it is the newest-first cursor.
 * - `audit_log_domains`: the domains an entry touched, one row each, so a
 *   domain admin's read walks only its domains' rows (an entry may touch
 *   several, or none: install-wide actions only system admins see).
 * - `at`: epoch ms, for the `since`/`until` filters and the retention prune.
 * - `sso_audit_actor`: sign-ins per SSO provider, for `GET /sso/providers`.
 */
export const auditLog: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('audit_log')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('actor_kind', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text', (c) => c.notNull())
      .addColumn('actor_address', 'text')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('method', 'text', (c) => c.notNull())
      .addColumn('route', 'text', (c) => c.notNull())
      .addColumn('target', 'text', (c) => c.notNull())
      .addColumn('domains', 'text', (c) => c.notNull())
      .addColumn('status', 'integer', (c) => c.notNull())
      .addColumn('request_id', 'text', (c) => c.notNull())
      .addColumn('ip', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
    await db.schema.createIndex('audit_log_actor').on('audit_log').columns(['actor_id', 'id']).execute();
    await db.schema.createIndex('audit_log_action').on('audit_log').columns(['action', 'id']).execute();
    await db.schema
      .createTable('audit_log_domains')
      .addColumn('audit_id', 'text', (c) => c.notNull())
      .addColumn('domain', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('audit_log_domains_pk', ['domain', 'audit_id'])
      .execute();
    await db.schema
      .createIndex('audit_log_domains_entry')
      .on('audit_log_domains')
      .column('audit_id')
      .execute();
    // The SSO providers' status counts sign-ins per provider (`GET /sso/providers`); sso_audit had no such index.
    await db.schema.createIndex('sso_audit_actor').on('sso_audit').columns(['actor', 'at']).execute();
  },
};
