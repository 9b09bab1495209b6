export {
  type AddressBook,
  type AddressBookEntry,
  type AddressBookQuery,
  createAddressBook,
  type DepartmentNode,
} from './address-book.js';
export { parseScopes, ROTATE_GRACE_DEFAULT_SECONDS, ROTATE_GRACE_MAX_SECONDS } from './api-keys.js';
export { createDirectory, type DirectoryDeps } from './directory.js';
export { type UserFacts, userEvent } from './events.js';
export { hashPassword, verifyPassword } from './passwords.js';
export { createDirectorySyncTarget, type SyncTargetDeps } from './sync-target.js';
export * from './sync-types.js';
export * from './types.js';
export { canonicalAddress } from './validate.js';
