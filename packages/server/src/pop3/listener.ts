import tls from 'node:tls';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import type { Directory } from '../directory/index.js';
import { type LoginGuard, parseAddressList } from '../limits/index.js';
import { createSocketService, type ServicePort } from '../net/index.js';
import { newId } from '../shared/index.js';
import type { MailStore } from '../store/index.js';
import type { TlsMaterial } from '../tls/index.js';
import { err } from './protocol/index.js';
import type { Pop3Deps, SessionTracker } from './session/deps.js';
import { createMailboxAccess } from './session/mailbox-access.js';
import { type Expiry, Pop3Session } from './session/session.js';
import { UserSessions } from './session/user-sessions.js';

/**
 * How long a stop waits for sessions in the middle of a command (a
 * download, the UPDATE state) before cutting them: room within a
 * container's stop timeout (Docker's is 10 s) for the rest of the shutdown.
 */
const SHUTDOWN_GRACE_MS = 8_000;

/** What the client is told when the listener ends its session. */
const EXPIRED: Record<Expiry, string> = {
  'too-slow': err('Command line arrived too slowly, closing connection'),
  idle: err('Idle for too long, closing connection'),
};

export interface Pop3ListenerDeps {
  config: Config;
  directory: Pick<Directory, 'authenticate' | 'noteUsageChanged'>;
  store: Pick<MailStore, 'getMailbox' | 'fetchMessages' | 'expunge' | 'setFlags' | 'blobs'>;
  tls: TlsMaterial;
  /** The login guard every listener shares: failed sign-ins here count on every path. */
  loginGuard: LoginGuard;
  /** The session registry's connection watcher (sso/): revoked sessions end here within seconds. */
  tracker: SessionTracker;
  log: Logger;
}

/** One listening socket of the POP3 service. */
export type Pop3Port = ServicePort;

/** The POP3 service: `pop3` (STLS, RFC 2595) and `pop3s` (implicit TLS, RFC 8314), one set of sessions. */
export interface Pop3Listeners {
  pop3: Pop3Port;
  pop3s: Pop3Port;
  /** Stops accepting; sessions between commands are told and closed, the others after their command. */
  close(): Promise<void>;
}

/** The per-session dependencies, built once for both listeners. */
function sessionDeps(deps: Pop3ListenerDeps, log: Logger): Pop3Deps {
  const { config } = deps;
  return {
    settings: {
      hostname: config.hostname,
      plaintextAuthFrom: parseAddressList(config.pop3.allowPlaintextAuth),
      maxSessionsPerUser: config.pop3.maxSessionsPerUser,
    },
    directory: deps.directory,
    guard: deps.loginGuard,
    mailbox: createMailboxAccess({
      store: deps.store,
      usageChanged: (ids) => deps.directory.noteUsageChanged(ids),
      log,
    }),
    tracker: deps.tracker,
    userSessions: new UserSessions(config.pop3.maxSessionsPerUser),
    secureContext: tls.createSecureContext({ key: deps.tls.key, cert: deps.tls.cert }),
    log,
  };
}

/** Builds both POP3 listeners over one set of sessions; nothing listens until `listen`. */
export function createPop3Listeners(deps: Pop3ListenerDeps): Pop3Listeners {
  const { pop3: settings } = deps.config;
  const log = deps.log.child({ component: 'pop3' });
  const shared = sessionDeps(deps, log);
  const service = createSocketService<Expiry>({
    name: 'pop3',
    log,
    maxConnectionsPerIp: settings.maxConnectionsPerIp,
    // About once a second; more often when a command may take less (see Pop3Session.check).
    sweepMs: Math.max(50, Math.min(1000, Math.floor(settings.commandTimeoutMs / 4))),
    graceMs: SHUTDOWN_GRACE_MS,
    open(socket, implicitTls, admitted) {
      const session = new Pop3Session(socket, shared, {
        implicitTls,
        commandTimeoutMs: settings.commandTimeoutMs,
        idleTimeoutMs: settings.idleTimeoutMs,
        log: log.child({ sid: newId(), client: socket.remoteAddress ?? '' }),
      });
      void session.start(
        admitted ? undefined : err('Too many connections from your address; try again later', 'SYS/TEMP'),
      );
      return {
        ip: session.ip,
        check: (now) => session.check(now),
        expire: (why) => session.interrupt(EXPIRED[why], true),
        shutdown: () => session.interrupt(err('Server shutting down, try again later', 'SYS/TEMP'), false),
        destroy: () => session.destroy(),
        closed: session.closed,
      };
    },
  });
  return { pop3: service.port(false), pop3s: service.port(true), close: () => service.close() };
}
