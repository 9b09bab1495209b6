import type net from 'node:net';
import type tls from 'node:tls';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { SMTPConnection, type SMTPConnectionOptions } from 'smtp-server/lib/smtp-connection.js';
import type { SMTPStream } from 'smtp-server/lib/smtp-stream.js';
import type { ConnectionLease } from '../limits/index.js';
import { type CutOff, checkIntervalMs, type ListenerLimits, SessionDeadlines } from './session-limits.js';

/** The 421 replies of the listener's own limits (RFC 5321 §3.8: 421 and close; RFC 3463 codes). */
const CUT_OFF_REPLIES: Record<CutOff, string> = {
  'too-slow': '4.4.2 %s Error: data arrived too slowly, closing connection',
  'too-long': '4.4.2 %s Session time limit reached, closing connection; reconnect to go on',
};

/**
 * smtp-server holds every new connection for a fixed 100 ms before its
 * greeting ("early talker" detection), which caps a session that opens one
 * connection per message at about 9 messages/s. We greet at once: pre-greeting
 * tests belong in a connection filter that can apply them only to untrusted
 * clients (as Postfix's postscreen does), not in front of every session.
 *
 * It also carries the listener's limits (see {@link ListenerLimits}): a client
 * over its connection count is refused before the greeting, and the session's
 * deadlines count the bytes handed to its parser.
 */
class PromptConnection extends SMTPConnection {
  lease: ConnectionLease | null = null;
  deadlines: SessionDeadlines | undefined;

  override init(): void {
    this._setListeners(() => {
      const server = this._server as PromptSMTPServer;
      const max = server.options.maxClients;
      if (max && server.connections.size > max) {
        // RFC 5321 §3.8: 421 and close when the service is not available.
        this.send(421, `${this.name} Too many connected clients, try again in a moment`, false);
        this.close();
        return;
      }
      if (server.limits && !this.admit(server.limits)) return;
      this.connectionReady();
    });
  }

  /** Takes a place among its client's connections, or refuses the client with 421 4.7.0. */
  private admit(limits: ListenerLimits): boolean {
    this.lease = limits.connections.acquire(this.remoteAddress);
    if (!this.lease) {
      limits.log.info({ client: this.remoteAddress }, 'connection refused: too many from this client');
      // 421 closes the connection (RFC 5321 §3.8); 4.7.0: refused by policy (RFC 3463).
      this.send(421, `4.7.0 ${this.name} Too many connections from your address, try again later`, false);
      return false;
    }
    this.deadlines = new SessionDeadlines(limits, Date.now());
    return true;
  }

  /** Counts what the client sends (the STARTTLS session gets a parser of its own, counted too). */
  override _createParser(): SMTPStream {
    const parser = super._createParser();
    const write = parser.write.bind(parser) as (...args: unknown[]) => boolean;
    parser.write = ((chunk: Buffer, ...rest: unknown[]) => {
      if (this.deadlines) this.deadlines.bytesIn += chunk.length;
      return write(chunk, ...rest);
    }) as typeof parser.write;
    return parser;
  }

  /** Ends a session that broke a deadline, with its 421. */
  cutOff(why: CutOff, limits: ListenerLimits): void {
    limits.log.info({ client: this.remoteAddress, reason: why }, 'session cut off');
    this.send(421, CUT_OFF_REPLIES[why].replace('%s', this.name), false);
  }

  override close(): void {
    this.lease?.release();
    super.close();
  }

  override _onClose(): void {
    this.lease?.release();
    super._onClose();
  }

  /** After every transaction (DATA answered, RSET): a server that is stopping says so and closes. */
  override _resetSession(): void {
    super._resetSession();
    if ((this._server as PromptSMTPServer).stopping) this.shutDown();
  }

  /** RFC 5321 §3.8: 421 and close when the service is going away. */
  shutDown(): void {
    this.send(421, `4.3.2 ${this.name} Service shutting down, try again later`, false);
  }
}

/**
 * An SMTPServer whose connections greet without the fixed delay, and that
 * stops without waiting for idle clients. smtp-server's own close waits its
 * `closeTimeout` (30 s by default) for every session to end, and clients keep
 * idle sessions open: each restart would take that long. Here a session
 * between transactions gets 421 at once; one in a transaction finishes it
 * (within `closeTimeout`), gets its reply, then 421. Nothing is lost either
 * way: a message without its 250 is sent again by its client.
 *
 * With `limits`, it enforces them (see {@link ListenerLimits}), and expects a
 * PROXY header from the trusted proxies only, whose networks may be CIDRs.
 */
export class PromptSMTPServer extends SMTPServer {
  stopping = false;
  readonly limits: ListenerLimits | undefined;
  private readonly checker: NodeJS.Timeout | undefined;

  constructor(options: SMTPServerOptions, limits?: ListenerLimits) {
    super(options);
    this.limits = limits;
    if (limits) {
      this.checker = setInterval(() => this.checkSessions(limits), checkIntervalMs(limits));
      this.checker.unref();
    }
  }

  /** Cuts off the sessions whose deadlines have passed: one sweep for every session of the listener. */
  private checkSessions(limits: ListenerLimits): void {
    const now = Date.now();
    for (const c of this.connections) {
      const connection = c as PromptConnection;
      const why = connection.deadlines?.check(connection, now);
      if (why) connection.cutOff(why, limits);
    }
  }

  override _expectsProxyHeader(socket: net.Socket): boolean {
    if (!this.limits) return super._expectsProxyHeader(socket);
    return this.limits.trustedProxies.has(socket.remoteAddress ?? '');
  }

  override close(callback?: (() => void) | null): void {
    this.stopping = true;
    clearInterval(this.checker);
    super.close(callback);
    for (const c of [...this.connections]) {
      // Mid-STARTTLS a session is told once the handshake is done (it resets the session then).
      if (!c.session?.envelope?.mailFrom && !c._dataStream && !c._upgrading)
        (c as PromptConnection).shutDown();
    }
  }

  override connect(socket: net.Socket | tls.TLSSocket, socketOptions?: SMTPConnectionOptions | null): void {
    const connection = new PromptConnection(this, socket, socketOptions);
    this.connections.add(connection);
    connection.on('error', (err: Error) => this._onError(err));
    connection.on('connect', (data) => this._onClientConnect(data));
    connection.init();
  }
}
