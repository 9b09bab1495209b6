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
}

/** An SMTPServer whose connections greet without the fixed delay. */
export class PromptSMTPServer extends SMTPServer {
  constructor(options: SMTPServerOptions) {
    super(options);
  }

  override connect(socket: net.Socket | tls.TLSSocket, socketOptions?: SMTPConnectionOptions | null): void {
    const connection = new PromptConnection(this, socket, socketOptions);
    this.connections.add(connection);
    connection.on('error', (err: Error) => this._onError(err));
    connection.on('connect', (data) => this._onClientConnect(data));
    connection.init();
  }
}
