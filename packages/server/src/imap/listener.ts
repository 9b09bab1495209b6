import tls from 'node:tls';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import type { Directory } from '../directory/index.js';
import { createConnectionLimiter, type LoginGuard, parseAddressList } from '../limits/index.js';
import type { MailService } from '../mail/index.js';
import { createSocketService, type ServicePort } from '../net/index.js';
import { newId } from '../shared/index.js';
import type { MailStore } from '../store/index.js';
import type { TlsMaterial } from '../tls/index.js';
import { createChangeWatcher } from './session/change-watcher.js';
import { createCommandRegistry } from './session/commands.js';
import type { ImapDeps, SessionTracker } from './session/deps.js';
import { RecentTracker } from './session/recent.js';
import type { CommandRegistry } from './session/registry.js';
import { type Expiry, ImapSession } from './session/session.js';

/**
 * How long a stop waits for sessions in the middle of a command (a FETCH of
 * a large body, an APPEND) before cutting them: room within a container's
 * stop timeout (Docker's is 10 s) for the rest of the shutdown.
 */
const SHUTDOWN_GRACE_MS = 8_000;

/** What the client is told when the listener ends its session (BYE texts). */
const EXPIRED: Record<Expiry, string> = {
  'too-slow': 'Command arrived too slowly, closing connection',
  'login-timeout': 'No login in time, closing connection',
  idle: 'Idle for too long, closing connection',
};

export interface ImapListenerDeps {
  config: Config;
  directory: Pick<Directory, 'authenticate'>;
  store: MailStore;
  mail: MailService;
  tls: TlsMaterial;
  /** The login guard every listener shares: failed logins here count on every path. */
  loginGuard: LoginGuard;
  /** The session registry's connection watcher (sso/): revoked sessions end here within seconds. */
  tracker: SessionTracker;
  log: Logger;
  /** The command table; default the full one (tests plug in their own handlers). */
  commands?: CommandRegistry<ImapSession>;
}

/** One listening socket of the IMAP service. */
export type ImapPort = ServicePort;

/** The IMAP service: `imap` (STARTTLS) and `imaps` (implicit TLS, RFC 8314), one set of sessions. */
export interface ImapListeners {
  imap: ImapPort;
  imaps: ImapPort;
  /** Sessions open now (both listeners). */
  readonly sessions: number;
  /** Stops accepting; every session is told `* BYE` (at once between commands, else after its command). */
  close(): Promise<void>;
}

function sessionDeps(deps: ImapListenerDeps, log: Logger): ImapDeps {
  const { config } = deps;
  const { imap } = config;
  return {
    settings: {
      hostname: config.hostname,
      plaintextAuthFrom: parseAddressList(imap.allowPlaintextAuth),
      appendLimit: config.smtp.maxMessageSize,
      loginTimeoutMs: imap.loginTimeoutMs,
      idleTimeoutMs: imap.idleTimeoutMs,
      keepaliveMs: imap.idleKeepaliveMs,
      commandTimeoutMs: imap.commandTimeoutMs,
    },
    directory: deps.directory,
    guard: deps.loginGuard,
    store: deps.store,
    mail: deps.mail,
    tracker: deps.tracker,
    // A counter per key: the user's id (no address arithmetic applies to it).
    userSessions: createConnectionLimiter({ maxPerClient: imap.maxSessionsPerUser }),
    changes: createChangeWatcher(deps.store.notifier, log),
    recent: new RecentTracker(),
    commands: deps.commands ?? createCommandRegistry(),
    secureContext: tls.createSecureContext({ key: deps.tls.key, cert: deps.tls.cert }),
    log,
  };
}

/** Builds both IMAP listeners over one set of sessions; nothing listens until `listen`. */
export function createImapListeners(deps: ImapListenerDeps): ImapListeners {
  const log = deps.log.child({ component: 'imap' });
  const shared = sessionDeps(deps, log);
  const service = createSocketService<Expiry>({
    name: 'imap',
    log,
    maxConnectionsPerIp: deps.config.imap.maxConnectionsPerIp,
    sweepMs: 1000, // deadlines and IDLE keepalives
    graceMs: SHUTDOWN_GRACE_MS,
    open(socket, implicitTls, admitted) {
      const session = new ImapSession(socket, shared, {
        implicitTls,
        log: log.child({ sid: newId(), client: socket.remoteAddress ?? '' }),
      });
      void session.start(admitted ? undefined : 'Too many connections from your address; try again later');
      return {
        ip: session.ip,
        check: (now) => session.check(now),
        expire: (why) => session.bye(EXPIRED[why]),
        shutdown: () => session.interrupt('Server shutting down, try again later'),
        destroy: () => session.conn.destroy(),
        closed: session.conn.whenClosed,
      };
    },
  });
  return {
    imap: service.port(false),
    imaps: service.port(true),
    get sessions() {
      return service.sessions;
    },
    close: () => service.close(),
  };
}
