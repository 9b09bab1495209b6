import type { SecureContext } from 'node:tls';
import type { Logger } from 'pino';
import type { Directory } from '../../directory/index.js';
import type { AddressList, ConnectionLimiter, LoginGuard } from '../../limits/index.js';
import type { MailService } from '../../mail/index.js';
import type { MailStore } from '../../store/index.js';
import type { ChangeWatcher } from './change-watcher.js';
import type { RecentTracker } from './recent.js';
import type { CommandRegistry } from './registry.js';

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

/** The `imap.*` settings a session applies. */
export interface ImapSettings {
  /** Named in the greeting and ID. */
  hostname: string;
  /** `imap.allowPlaintextAuth`: clients that may sign in without TLS. */
  plaintextAuthFrom: AddressList;
  /** APPENDLIMIT (RFC 7889) = `smtp.maxMessageSize`. */
  appendLimit: number;
  /** `imap.loginTimeoutMs`: a session not signed in after this long is closed. */
  loginTimeoutMs: number;
  /** `imap.idleTimeoutMs`: no command (or an IDLE) for this long ends the session (RFC 9051 §5.4: ≥ 30 min). */
  idleTimeoutMs: number;
  /** `imap.idleKeepaliveMs`: how often an IDLE session hears `* OK Still here`. */
  keepaliveMs: number;
  /** `imap.commandTimeoutMs`: time a command line (or a TLS handshake) may take to arrive. */
  commandTimeoutMs: number;
}

/** What every IMAP session is built with; made once by the listener. */
export interface ImapDeps {
  settings: ImapSettings;
  directory: Pick<Directory, 'authenticate'>;
  /** The login guard every listener shares (limits/): failures here count on every path. */
  guard: LoginGuard;
  store: MailStore;
  mail: MailService;
  tracker: SessionTracker;
  /** Signed-in sessions per user (a counter keyed by user id), over both IMAP listeners. */
  userSessions: ConnectionLimiter;
  /** One notifier subscription per user, shared by that user's sessions. */
  changes: ChangeWatcher;
  /** Which messages are `\Recent` (IMAP4rev1), per mailbox, over every session of the process. */
  recent: RecentTracker;
  /** The commands sessions run. */
  commands: CommandRegistry<import('./session.js').ImapSession>;
  /** The certificate for STARTTLS and IMAPS. */
  secureContext: SecureContext;
  log: Logger;
}
