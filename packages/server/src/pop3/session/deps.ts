import type { SecureContext } from 'node:tls';
import type { Logger } from 'pino';
import type { Directory } from '../../directory/index.js';
import type { AddressList, LoginGuard } from '../../limits/index.js';
import type { MailboxAccess } from './mailbox-access.js';
import type { UserSessions } from './user-sessions.js';

/** A signed-in connection registered with the session registry (sso/): ended when revoked. */
export interface TrackedSession {
  /** The connection has ended: its registry entry goes too. */
  close(): Promise<void>;
}

/**
 * Registers signed-in connections as sessions of the registry, so that an
 * admin's "end sessions", a disabled account or a changed password ends
 * them within seconds (main.ts passes the registry's connection watcher).
 */
export interface SessionTracker {
  /**
   * Registers a signed-in connection; `onEnd` is called once if the session
   * is ended from elsewhere, with the reason (`admin`, `user_disabled`,
   * `credentials_changed` …). Throws USER_DISABLED for a disabled user.
   */
  open(
    input: { userId: string; client: { ip: string; userAgent: string } },
    onEnd: (reason: string) => void,
  ): Promise<TrackedSession>;
}

/** The `pop3.*` settings a session applies. */
export interface Pop3Settings {
  /** Named in the greeting. */
  hostname: string;
  /** `pop3.allowPlaintextAuth`: clients that may sign in without TLS. */
  plaintextAuthFrom: AddressList;
  /** `pop3.maxSessionsPerUser`: more signed-in sessions of one user get `-ERR [IN-USE]`. */
  maxSessionsPerUser: number;
}

/** What every POP3 session is built with; passed in by the listener. */
export interface Pop3Deps {
  settings: Pop3Settings;
  directory: Pick<Directory, 'authenticate'>;
  /** The login guard every listener shares (limits/): failures here count on every path. */
  guard: LoginGuard;
  mailbox: MailboxAccess;
  tracker: SessionTracker;
  /** Signed-in sessions per user, over both POP3 listeners. */
  userSessions: UserSessions;
  /** The certificate for STLS and POP3S. */
  secureContext: SecureContext;
  log: Logger;
}
