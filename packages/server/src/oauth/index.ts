/**
 * App tokens for integrations: an OAuth 2.0 authorization server for the
 * client credentials grant (RFC 6749 §4.4) whose access tokens are JWTs
 * (RFC 9068) signed with rotating keys published as a JWKS. The only public
 * face of this module.
 */
export { isOAuthError, OAuthError, type OAuthErrorCode } from './errors.js';
export { RETIRE_AFTER_MS, SIGNING_ALGORITHMS, type SigningAlgorithm } from './keys.js';
export { MAX_ALLOWED_ORIGINS, normalizeOrigin, parseAllowedOrigins } from './origins.js';
export {
  APP_STATE_TTL_MS,
  createOAuthService,
  grantedScopes,
  type OAuthConfig,
  type OAuthService,
  type OAuthServiceDeps,
} from './service.js';
export {
  type ClientCredentialsRequest,
  type FormParams,
  parseForm,
  parseTokenRequest,
} from './token-request.js';
export { ACCESS_TOKEN_TYP, audienceOf, looksLikeJwt } from './tokens.js';
export type * from './types.js';
export { isWidgetTokenHeader, WIDGET_TOKEN_TYP } from './widget-tokens.js';
