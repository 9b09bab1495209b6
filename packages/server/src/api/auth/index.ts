export {
  addressBookDomains,
  addressChanges,
  canGrant,
  type Decision,
  decide,
  decideAddress,
  eventsScope,
  hasScope,
  isUnrestricted,
  listScope,
  missingScopes,
  rulesTarget,
  type Target,
} from './access.js';
export { type Credentials, parseAuthorization } from './credentials.js';
export {
  assertCanGrant,
  assertHoldsScopes,
  assertManageableAddress,
  assertManageableAddressChange,
  authorize,
  principalOf,
  readableAddressBooks,
  readableEvents,
  userTarget,
  visibleDomains,
} from './guard.js';
export { installAuth } from './hook.js';
export {
  type ApiKeyPrincipal,
  type AppPrincipal,
  isScoped,
  type Principal,
  principalFromApiKey,
  principalFromAppGrant,
  principalFromUser,
  type ScopedPrincipal,
  type UserPrincipal,
} from './principal.js';
