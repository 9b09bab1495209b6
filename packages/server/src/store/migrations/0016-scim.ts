import type { Kysely, Migration } from 'kysely';

/**
 * SCIM provisioning (scim/): the `externalId` an identity provider gives a
 * user or group (RFC 7643 §3.1), unique per domain — two tenants' IdPs may
 * use the same ids, and neither may learn of the other's — and when a
 * SCIM-managed user was deleted by its IdP while jdmail kept them disabled
 * (`scim.deleteAction: disable`): such a user answers 404 over SCIM.
 */
export const scim: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('users').addColumn('scim_external_id', 'text').execute();
    await db.schema.alterTable('users').addColumn('scim_deleted_at', 'bigint').execute();
    await db.schema.alterTable('groups').addColumn('scim_external_id', 'text').execute();
    // NULLs are distinct in unique indexes on both engines: users and groups without one never collide.
    for (const table of ['users', 'groups'] as const) {
      await db.schema
        .createIndex(`${table}_scim_external_id`)
        .on(table)
        .columns(['domain_id', 'scim_external_id'])
        .unique()
        .execute();
    }
  },
};
