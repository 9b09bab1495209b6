import net, { type AddressInfo } from 'node:net';
import tls from 'node:tls';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import type { Directory } from '../directory/index.js';
import {
  type ConnectionLimiter,
  createConnectionLimiter,
  type LoginGuard,
  parseAddressList,
} from '../limits/index.js';
import type { MailService } from '../mail/index.js';
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
export interface ImapPort {
  /** Binds and resolves with the actual port (useful with port 0). */
  listen(port: number, host: string): Promise<number>;
}

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
  const sessions = new Set<ImapSession>();
  const servers: net.Server[] = [];
  let stopping = false;

  // One sweep over every session once a second: deadlines and IDLE keepalives (no timer per session).
  const checker = setInterval(() => {
    const now = Date.now();
    for (const session of sessions) {
      const why = session.check(now);
      if (!why) continue;
      log.info({ client: session.ip, reason: why }, 'imap session cut off');
      session.bye(EXPIRED[why]);
    }
  }, 1000);
  checker.unref();

  function accept(socket: net.Socket, implicitTls: boolean, limiter: ConnectionLimiter): void {
    socket.on('error', () => {}); // a reset before the session attaches its own handler
    if (stopping) {
      socket.destroy();
      return;
    }
    const client = socket.remoteAddress ?? '';
    const lease = limiter.acquire(client);
    const session = new ImapSession(socket, shared, {
      implicitTls,
      log: log.child({ sid: newId(), client }),
    });
    sessions.add(session);
    session.conn.onClose(() => {
      lease?.release();
      sessions.delete(session);
    });
    if (!lease) log.info({ client }, 'imap connection refused: too many from this client');
    void session.start(lease ? undefined : 'Too many connections from your address; try again later');
  }

  function port(implicitTls: boolean): ImapPort {
    return {
      listen: (port, host) =>
        new Promise((resolve, reject) => {
          const limiter = createConnectionLimiter({ maxPerClient: deps.config.imap.maxConnectionsPerIp });
          const server = net.createServer((socket) => accept(socket, implicitTls, limiter));
          server.once('error', reject);
          server.listen(port, host, () => {
            server.off('error', reject);
            server.on('error', (e: Error) => log.warn({ err: e.message }, 'imap listener error'));
            servers.push(server);
            resolve((server.address() as AddressInfo).port);
          });
        }),
    };
  }

  return {
    imap: port(false),
    imaps: port(true),
    get sessions() {
      return sessions.size;
    },
    async close() {
      stopping = true;
      clearInterval(checker);
      const closing = servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
      const open = [...sessions];
      for (const session of open) session.interrupt('Server shutting down, try again later');
      const cut = setTimeout(() => {
        for (const session of sessions) session.conn.destroy();
      }, SHUTDOWN_GRACE_MS);
      await Promise.all([...closing, ...open.map((s) => s.conn.whenClosed)]);
      clearTimeout(cut);
    },
  };
}
