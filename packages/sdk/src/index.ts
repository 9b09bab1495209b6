export { JdMail } from './client.js';
export {
  AuthenticationError,
  BadRequestError,
  ConflictError,
  ConnectionError,
  type FieldError,
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
export type { ApiKeys, RotateApiKeyOptions } from './resources/api-keys.js';
export type { Apps } from './resources/apps.js';
export type { Directory, WaitOptions } from './resources/directory.js';
export type { Domains } from './resources/domains.js';
export type { Events } from './resources/events.js';
export type { Filter } from './resources/filter.js';
export type { Groups } from './resources/groups.js';
export type { Mail, SendOptions } from './resources/mail.js';
export type { Quarantine } from './resources/quarantine.js';
export type { DeleteQueueEntryOptions, Queue } from './resources/queue.js';
export type { LoginLinkOptions, Sso } from './resources/sso.js';
export type { Users } from './resources/users.js';
export type * from './types.js';
