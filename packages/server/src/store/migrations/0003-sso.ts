import type { Kysely, Migration } from 'kysely';

/**
 * Single sign-on and web sessions: the session registry (web now; IMAP/POP3
 * later), one-click login links, pending SSO logins (OIDC state, nonce,
 * PKCE verifier), seen logout-token ids (replay guard) and the SSO audit log.
 * Secrets are stored only as SHA-256 hashes (session tokens, link tokens,
 * OIDC state); all are random 256-bit values, so no KDF is needed.
 */
export const sso: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('channel', 'text', (c) => c.notNull().defaultTo('web'))
      .addColumn('method', 'text', (c) => c.notNull())
      .addColumn('provider_id', 'text')
      .addColumn('external_sid', 'text')
      .addColumn('external_sub', 'text')
      .addColumn('external_ticket', 'text')
      .addColumn('id_token', 'text')
      .addColumn('csrf_token', 'text', (c) => c.notNull())
      .addColumn('credentials_stamp', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
      .addColumn('idle_expires_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('ip', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('user_agent', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();
    await db.schema
      .createIndex('sessions_sid')
      .on('sessions')
      .columns(['provider_id', 'external_sid'])
      .execute();
    await db.schema
      .createIndex('sessions_sub')
      .on('sessions')
      .columns(['provider_id', 'external_sub'])
      .execute();
    await db.schema
      .createIndex('sessions_ticket')
      .on('sessions')
      .columns(['provider_id', 'external_ticket'])
      .execute();
    await db.schema.createIndex('sessions_idle').on('sessions').column('idle_expires_at').execute();

    await db.schema
      .createTable('login_links')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('credentials_stamp', 'bigint', (c) => c.notNull())
      .addColumn('redirect', 'text', (c) => c.notNull())
      .addColumn('issued_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('used_at', 'bigint')
      .execute();
    await db.schema.createIndex('login_links_expiry').on('login_links').column('expires_at').execute();

    await db.schema
      .createTable('sso_pending')
      .addColumn('state_hash', 'text', (c) => c.primaryKey())
      .addColumn('provider_id', 'text', (c) => c.notNull())
      .addColumn('binding_hash', 'text', (c) => c.notNull())
      .addColumn('nonce', 'text', (c) => c.notNull())
      .addColumn('code_verifier', 'text', (c) => c.notNull())
      .addColumn('redirect_uri', 'text', (c) => c.notNull())
      .addColumn('return_to', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sso_pending_expiry').on('sso_pending').column('expires_at').execute();

    await db.schema
      .createTable('sso_seen_tokens')
      .addColumn('provider_id', 'text', (c) => c.notNull())
      .addColumn('jti', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('sso_seen_tokens_pk', ['provider_id', 'jti'])
      .execute();

    await db.schema
      .createTable('sso_audit')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('event', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('ip', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('result', 'text', (c) => c.notNull())
      .addColumn('detail', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    await db.schema.createIndex('sso_audit_subject').on('sso_audit').columns(['subject', 'at']).execute();
  },
};
