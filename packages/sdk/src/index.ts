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
export type { RotateApiKeyOptions } from './resources/api-keys.js';
export type { SendOptions } from './resources/mail.js';
export type { LoginLinkOptions } from './resources/sso.js';
export type * from './types.js';
