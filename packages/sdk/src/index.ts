export { JdMail } from './client.js';
export {
  AuthenticationError,
  BadRequestError,
  ConflictError,
  ConnectionError,
  type FieldError,
  GoneError,
  JdMailError,
  type JdMailErrorKind,
  NotFoundError,
  PermissionError,
  RateLimitError,
  ServerError,
  ValidationError,
} from './errors.js';
export type { components, operations, paths } from './generated/api.js';
export type { ApiKeyAuth, AppAuth, ClientOptions } from './http.js';
export { type Page, Paginator } from './paginator.js';
export type { Admin } from './resources/admin.js';
export type { ApiKeys, RotateApiKeyOptions } from './resources/api-keys.js';
export type { Apps } from './resources/apps.js';
export type { Directory, WaitOptions } from './resources/directory.js';
export type { Domains } from './resources/domains.js';
export type { EventStreamOptions, StreamedEvent } from './resources/event-stream.js';
export type { Events } from './resources/events.js';
export type { Filter } from './resources/filter.js';
export type { Groups } from './resources/groups.js';
export type { Mail, SendOptions } from './resources/mail.js';
export type { MailboxChanges, SyncMailboxOptions } from './resources/mail-sync.js';
export type { Quarantine } from './resources/quarantine.js';
export type { DeleteQueueEntryOptions, Queue } from './resources/queue.js';
export type { Settings } from './resources/settings.js';
export type { LoginLinkOptions, Sso } from './resources/sso.js';
export type { Users } from './resources/users.js';
export type { Webhooks } from './resources/webhooks.js';
export type { WidgetTokenOptions, WidgetTokens } from './resources/widget-tokens.js';
export type * from './types.js';
export {
  type VerifyWebhookOptions,
  verifyWebhook,
  type WebhookHeaders,
  WebhookVerificationError,
} from './webhook-verify.js';
