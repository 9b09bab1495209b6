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
import { webhooks } from './0015-webhooks.js';
import { scim } from './0016-scim.js';
import { widget } from './0017-widget.js';
import { search } from './0018-search.js';
import { senderHistory } from './0019-sender-history.js';
import { journalMessageIds } from './0020-journal-message-ids.js';
import { userSettings } from './0021-user-settings.js';
import { auditLog } from './0022-audit-log.js';
import { nameKeys } from './0023-name-keys.js';

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
  '0015-webhooks': webhooks,
  '0016-scim': scim,
  '0017-widget': widget,
  '0018-search': search,
  '0019-sender-history': senderHistory,
  '0020-journal-message-ids': journalMessageIds,
  '0021-user-settings': userSettings,
  '0022-audit-log': auditLog,
  '0023-name-keys': nameKeys,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
