/**
 * The IMAP service (RFC 9051 IMAP4rev2 and RFC 3501 IMAP4rev1): `protocol/`
 * is the wire format and knows nothing of jdmail; `session/` has the state
 * machine, the selected mailbox's view and one file per command family
 * (HANDLERS.md says how a command is plugged in); `listener.ts` accepts
 * connections on both ports and enforces the limits. The module's only public face.
 */
export {
  createImapListeners,
  type ImapListenerDeps,
  type ImapListeners,
  type ImapPort,
} from './listener.js';
export type { SessionTracker, TrackedSession } from './session/deps.js';
