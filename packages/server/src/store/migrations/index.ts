import type { Migration, MigrationProvider } from 'kysely';
import { initial } from './0001-initial.js';
import { ldap } from './0002-ldap.js';
import { sso } from './0003-sso.js';
import { appTokens } from './0004-app-tokens.js';
import { messageBodies } from './0005-message-bodies.js';
import { idempotencyKeys } from './0006-idempotency-keys.js';
import { mailJournal } from './0007-mail-journal.js';
import { outbound } from './0008-outbound.js';
import { mailAuth } from './0009-mail-auth.js';
import { spam } from './0010-spam.js';
import { rules } from './0011-rules.js';
import { filter } from './0012-filter.js';
import { greylist } from './0013-greylist.js';
import { events } from './0014-events.js';
import { senderHistory } from './0018-sender-history.js';

/** Migrations in order; names are permanent once released. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-ldap': ldap,
  '0003-sso': sso,
  '0004-app-tokens': appTokens,
  '0005-message-bodies': messageBodies,
  '0006-idempotency-keys': idempotencyKeys,
  '0007-mail-journal': mailJournal,
  '0008-outbound': outbound,
  '0009-mail-auth': mailAuth,
  '0010-spam': spam,
  '0011-rules': rules,
  '0012-filter': filter,
  '0013-greylist': greylist,
  '0014-events': events,
  '0018-sender-history': senderHistory,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
