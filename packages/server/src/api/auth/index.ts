export {
  addressBookDomains,
  canGrant,
  type Decision,
  decide,
  hasScope,
  isUnrestricted,
  listScope,
  type Target,
} from './access.js';
export { type Credentials, parseAuthorization } from './credentials.js';
export { createFailureLimiter, type FailureLimiter, type FailureLimiterOptions } from './failure-limiter.js';
export {
  assertCanGrant,
  authorize,
  principalOf,
  readableAddressBooks,
  userTarget,
  visibleDomains,
} from './guard.js';
export { installAuth } from './hook.js';
export {
  type ApiKeyPrincipal,
  type Principal,
  principalFromApiKey,
  principalFromUser,
  type UserPrincipal,
} from './principal.js';
