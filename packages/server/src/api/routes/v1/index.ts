import { auditRoutes } from './admin/audit.js';
import { statsRoutes } from './admin/stats.js';
import { apiKeyRoutes } from './api-keys/api-keys.js';
import { appRoutes } from './apps/apps.js';
import type { V1Plugin } from './deps.js';
import { addressBookRoutes } from './directory/address-book.js';
import { directorySourceRoutes } from './directory/sources.js';
import { directorySyncRoutes } from './directory/sync.js';
import { domainRoutes } from './domains/domains.js';
import { domainMailAuthRoutes } from './domains/mail-auth.js';
import { eventRoutes } from './events/events.js';
import { eventStreamRoutes } from './events/stream.js';
import { groupPolicyRoutes } from './filter/group-policy.js';
import { ruleRoutes } from './filter/rules.js';
import { ruleTestRoutes } from './filter/rules-test.js';
import { spamTrainRoutes } from './filter/spam-train.js';
import { groupRoutes } from './groups/groups.js';
import { memberRoutes } from './groups/members.js';
import { attachmentRoutes } from './mail/attachments.js';
import { messageBatchRoutes } from './mail/batch.js';
import { changeRoutes } from './mail/changes.js';
import { draftRoutes } from './mail/drafts.js';
import { folderRoutes } from './mail/folders.js';
import { mailboxRoutes } from './mail/mailboxes.js';
import { messageRoutes } from './mail/messages.js';
import { sendRoutes } from './mail/send.js';
import { uploadRoutes } from './mail/uploads.js';
import { quarantineRoutes } from './quarantine/quarantine.js';
import { queueRoutes } from './queue/queue.js';
import { traceRoutes } from './queue/trace.js';
import { loginLinkRoutes } from './sso/login-links.js';
import { ssoProviderRoutes } from './sso/providers.js';
import { sessionRoutes } from './sso/sessions.js';
import { userBatchRoutes } from './users/batch.js';
import { userSettingsRoutes } from './users/settings.js';
import { userStateRoutes } from './users/state.js';
import { userRoutes } from './users/users.js';
import { webhookActionRoutes } from './webhooks/actions.js';
import { webhookRoutes } from './webhooks/webhooks.js';
import { widgetInboxRoutes } from './widget/inbox.js';
import { widgetTokenRoutes } from './widget/tokens.js';

/** Everything under `/api/v1`, one plugin per resource or verb group. */
export const v1Routes: V1Plugin = async (
  app,
  {
    directory,
    mail,
    oauth,
    sso,
    publicUrl,
    addressBook,
    directorySync,
    idempotency,
    mailAuth,
    rules,
    groupPolicies,
    queue,
    trace,
    quarantine,
    spam,
    eventStream,
    events,
    webhooks,
    widget,
    settings,
    audit,
    stats,
    uploads,
  },
) => {
  // Pass only the services on: the options also hold this plugin's `prefix`, which must not nest.
  const deps = {
    directory,
    mail,
    oauth,
    sso,
    publicUrl,
    addressBook,
    directorySync,
    idempotency,
    mailAuth,
    rules,
    groupPolicies,
    queue,
    trace,
    quarantine,
    spam,
    eventStream,
    events,
    webhooks,
    widget,
    settings,
    audit,
    stats,
    uploads,
  };
  for (const plugin of [
    domainRoutes,
    domainMailAuthRoutes,
    userRoutes,
    userBatchRoutes,
    userStateRoutes,
    userSettingsRoutes,
    groupRoutes,
    memberRoutes,
    mailboxRoutes,
    folderRoutes,
    changeRoutes,
    messageRoutes,
    messageBatchRoutes,
    attachmentRoutes,
    sendRoutes,
    uploadRoutes,
    draftRoutes,
    eventStreamRoutes,
    appRoutes,
    apiKeyRoutes,
    sessionRoutes,
    loginLinkRoutes,
    directorySyncRoutes,
    addressBookRoutes,
    ruleRoutes,
    ruleTestRoutes,
    groupPolicyRoutes,
    spamTrainRoutes,
    queueRoutes,
    traceRoutes,
    quarantineRoutes,
    eventRoutes,
    webhookRoutes,
    webhookActionRoutes,
    widgetTokenRoutes,
    widgetInboxRoutes,
    auditRoutes,
    statsRoutes,
    ssoProviderRoutes,
    directorySourceRoutes,
  ]) {
    await app.register(plugin, deps);
  }
};
