/**
 * Single sign-on and web sessions: the session registry, password sign-in
 * for the webmail (behind the login guard of limits/), one-click login
 * links, the OIDC relying party. The module's only public face.
 */
export type { Audit, AuditEntry, AuditEvent } from './audit.js';
export type { CasSignIn } from './cas/sign-in.js';
export {
  type ConsumeResult,
  type IssueLinkInput,
  LINK_DEFAULT_TTL_SECONDS,
  LINK_MAX_TTL_SECONDS,
  type LinkRefusal,
  type LoginLinks,
} from './links/login-links.js';
export { checkRedirect, type RedirectCheck } from './links/redirect.js';
export type { OidcCallbackResult, OidcRelyingParty, SsoErrorCode } from './oidc/relying-party.js';
export type { PasswordChange, PasswordChangeInput } from './password/password-change.js';
export type { PasswordLogin, PasswordLoginInput, SignedIn } from './password/password-login.js';
export type { ProviderStatus } from './provider-status.js';
export type { ProviderRegistry, SsoProviderDriver } from './providers.js';
export {
  type ConnectionEndReason,
  type ConnectionSession,
  type ConnectionSessions,
  createConnectionSessions,
} from './sessions/connection-sessions.js';
export type { NewSession, RevocationListener, SessionRegistry } from './sessions/registry.js';
export { createSso, type Sso, type SsoDeps } from './sso.js';
export { randomToken, safeEqual } from './tokens.js';
export type * from './types.js';
export {
  type ExternalUserMapping,
  type ExternalUserResult,
  resolveExternalUser,
} from './users/external-user.js';
