import type net from 'node:net';
import type tls from 'node:tls';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { SMTPConnection, type SMTPConnectionOptions } from 'smtp-server/lib/smtp-connection.js';

/**
 * smtp-server holds every new connection for a fixed 100 ms before its
 * greeting ("early talker" detection), which caps a session that opens one
 * connection per message at about 9 messages/s. We greet at once: pre-greeting
 * tests belong in a connection filter that can apply them only to untrusted
 * clients (as Postfix's postscreen does), not in front of every session.
 */
class PromptConnection extends SMTPConnection {
  override init(): void {
    this._setListeners(() => {
      const max = this._server.options.maxClients;
      if (max && this._server.connections.size > max) {
        // RFC 5321 §3.8: 421 and close when the service is not available.
        this.send(421, `${this.name} Too many connected clients, try again in a moment`, false);
        this.close();
        return;
      }
      this.connectionReady();
    });
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
 */
export class PromptSMTPServer extends SMTPServer {
  stopping = false;

  constructor(options: SMTPServerOptions) {
    super(options);
  }

  override close(callback?: (() => void) | null): void {
    this.stopping = true;
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
