import { adminRules } from './admin.js';
import { apiKeyRules } from './api-keys.js';
import { appAndSsoRules } from './apps-sso.js';
import type { Rules } from './common.js';
import { composeRules } from './compose.js';
import { directoryRules, publicRules } from './directory-public.js';
import { eventRules } from './events.js';
import { filterRules } from './filter.js';
import { groupRules } from './groups.js';
import { mailRules } from './mail.js';
import { mailAuthRules } from './mail-auth.js';
import { quarantineRules } from './quarantine.js';
import { queueRules } from './queue.js';
import { settingsRules } from './settings.js';
import { userRules } from './users.js';
import { webhookRules } from './webhooks.js';
import { widgetRules } from './widget.js';

/**
 * The rule of every operation of the OpenAPI document, by operationId: its
 * scope, the objects each case names (and so whose rights it needs), and the
 * answer of a caller who may. A route added without a rule here fails the
 * matrix (see run.ts, coverageProblems).
 */
export const RULES: Rules = {
  ...userRules,
  ...groupRules,
  ...mailRules,
  ...composeRules,
  ...mailAuthRules,
  ...appAndSsoRules,
  ...apiKeyRules,
  ...directoryRules,
  ...publicRules,
  ...filterRules,
  ...queueRules,
  ...quarantineRules,
  ...eventRules,
  ...webhookRules,
  ...widgetRules,
  ...settingsRules,
  ...adminRules,
};
