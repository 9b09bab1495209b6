import net, { type AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { type ConnectionLimiter, createConnectionLimiter } from '../limits/index.js';

/** A session of a line protocol (IMAP, POP3) as {@link createSocketService} drives it. */
export interface ServedSession<Why extends string> {
  readonly ip: string;
  /** The deadline the session has missed at `now`, if any. */
  check(now: number): Why | undefined;
  /** Ends the session for the deadline it missed. */
  expire(why: Why): void;
  /** Tells the session that the server stops: at once between commands, else after its command. */
  shutdown(): void;
  /** Cuts the connection now. */
  destroy(): void;
  /** Settles once the connection is closed. */
  readonly closed: Promise<void>;
}

export interface SocketServiceOptions<Why extends string> {
  /** The protocol's name in logs (`imap`, `pop3`). */
  readonly name: string;
  readonly log: Logger;
  /** Connections one client may hold on one listening port (IPv6 counted per /64). */
  readonly maxConnectionsPerIp: number;
  /** How often every session's deadlines are checked (one sweep, no timer per session). */
  readonly sweepMs: number;
  /** How long a stop waits for sessions in the middle of a command before cutting them. */
  readonly graceMs: number;
  /**
   * Makes and starts the session of an accepted socket. When `admitted` is
   * false the client holds too many connections already: the session greets
   * with a refusal and ends.
   */
  open(socket: net.Socket, implicitTls: boolean, admitted: boolean): ServedSession<Why>;
}

/** One listening socket of a service. */
export interface ServicePort {
  /** Binds and resolves with the actual port (useful with port 0). */
  listen(port: number, host: string): Promise<number>;
}

/** Listening sockets over one set of sessions. */
export interface SocketService {
  /** A listening socket; `implicitTls` for the TLS-from-the-first-byte port (RFC 8314). */
  port(implicitTls: boolean): ServicePort;
  /** Sessions open now, on every port. */
  readonly sessions: number;
  /** Stops accepting and ends every session (see {@link ServedSession.shutdown}), cutting the slow ones after the grace. */
  close(): Promise<void>;
}

/**
 * What the IMAP and POP3 listeners have in common: accepting sockets under
 * a per-client connection limit, a sweep over every session's deadlines,
 * and a graceful stop that fits a container's stop timeout. The protocol is
 * in the session `open` makes.
 */
export function createSocketService<Why extends string>(options: SocketServiceOptions<Why>): SocketService {
  const { name, log } = options;
  const sessions = new Set<ServedSession<Why>>();
  const servers: net.Server[] = [];
  let stopping = false;

  const sweeper = setInterval(() => {
    const now = Date.now();
    for (const session of sessions) {
      const why = session.check(now);
      if (!why) continue;
      log.info({ client: session.ip, reason: why }, `${name} session cut off`);
      session.expire(why);
    }
  }, options.sweepMs);
  sweeper.unref();

  function accept(socket: net.Socket, implicitTls: boolean, limiter: ConnectionLimiter) {
    socket.on('error', () => {}); // a reset before the session attaches its own handler
    if (stopping) {
      socket.destroy();
      return;
    }
    const client = socket.remoteAddress ?? '';
    const lease = limiter.acquire(client);
    if (!lease) log.info({ client }, `${name} connection refused: too many from this client`);
    const session = options.open(socket, implicitTls, lease !== null);
    sessions.add(session);
    void session.closed.then(() => {
      lease?.release();
      sessions.delete(session);
    });
  }

  return {
    port: (implicitTls) => ({
      listen: (port, host) =>
        new Promise((resolve, reject) => {
          const limiter = createConnectionLimiter({ maxPerClient: options.maxConnectionsPerIp });
          const server = net.createServer((socket) => accept(socket, implicitTls, limiter));
          server.once('error', reject);
          server.listen(port, host, () => {
            server.off('error', reject);
            server.on('error', (e: Error) => log.warn({ err: e.message }, `${name} listener error`));
            servers.push(server);
            resolve((server.address() as AddressInfo).port);
          });
        }),
    }),
    get sessions() {
      return sessions.size;
    },
    async close() {
      stopping = true;
      clearInterval(sweeper);
      const closing = servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
      const open = [...sessions];
      for (const session of open) session.shutdown();
      const cut = setTimeout(() => {
        for (const session of sessions) session.destroy();
      }, options.graceMs);
      await Promise.all([...closing, ...open.map((s) => s.closed)]);
      clearTimeout(cut);
    },
  };
}
