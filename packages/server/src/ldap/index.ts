/**
 * LDAP / Active Directory: sync of users, groups and departments into the
 * directory (through its backend interface, `DirectorySyncTarget`), and
 * bind authentication of synced users (an `ExternalAuthenticator`).
 * Imports `directory` and `config` only; `main.ts` wires it.
 */
export {
  createLdapAuthenticator,
  type LdapAuthenticator,
  type LdapAuthenticatorDeps,
} from './authenticator.js';
export { escapeDnValue, formatDn, normalizeDn, parseDn } from './dn.js';
export type { EventSink, UserEvent } from './events.js';
export { emptySyncReport } from './report.js';
export {
  createDirectorySync,
  type DirectorySourceInfo,
  type DirectorySync,
  type DirectorySyncDeps,
  type SyncRequest,
} from './service.js';
export { type LdapSource, PRESETS, resolveSource, resolveSources } from './source.js';
