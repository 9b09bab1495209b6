import { once } from 'node:events';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';

/** Where a raw client connects: 127.0.0.1:`port`, from `localAddress` (any of 127.0.0.0/8 is a client of its own); `tls` from the first byte. */
export interface RawConnectOptions {
  localAddress?: string;
  tls?: boolean;
}

/** A connected socket to 127.0.0.1:`port`, TLS already negotiated when `options.tls` (the test certificate is self-signed). */
export async function openRawSocket(port: number, options: RawConnectOptions = {}): Promise<Duplex> {
  const plain = net.connect({ port, host: '127.0.0.1', localAddress: options.localAddress });
  await once(plain, 'connect');
  if (!options.tls) return plain;
  const secure = tls.connect({ socket: plain, rejectUnauthorized: false });
  await once(secure, 'secureConnect');
  return secure;
}

/**
 * The byte-level part of the bare protocol clients (`RawImap`, `RawPop3`):
 * what the server sent and nobody read yet, waiting for enough of it with a
 * deadline, STARTTLS/STLS in place, and noticing that the server closed.
 * Each protocol adds how its responses are framed.
 */
export class RawSocket {
  protected buf = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  closed = false;

  /** `pendingEncoding`: how {@link pending} shows unread bytes in errors and checks. */
  constructor(
    protected socket: Duplex,
    private readonly pendingEncoding: BufferEncoding = 'utf8',
  ) {
    this.listen(socket);
  }

  private listen(socket: Duplex): void {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Everything received and not yet read. */
  get pending(): string {
    return this.buf.toString(this.pendingEncoding);
  }

  /** Writes raw bytes. */
  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Waits until `ready()` finds what it needs in the buffer, the server closes, or `timeoutMs` passes. */
  protected async until<T>(ready: () => T | undefined, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = ready();
      if (value !== undefined) return value;
      if (this.closed) throw new Error(`connection closed; unparsed: ${JSON.stringify(this.pending)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`nothing in ${timeoutMs} ms; have ${JSON.stringify(this.pending)}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** Upgrades to TLS (after the server's answer to STARTTLS or STLS). */
  async startTls(): Promise<void> {
    this.socket.removeAllListeners('data');
    this.socket.removeAllListeners('close');
    const secure = tls.connect({ socket: this.socket as net.Socket, rejectUnauthorized: false });
    await once(secure, 'secureConnect');
    this.socket = secure;
    this.listen(secure);
  }

  /** Resolves once the server has closed the connection (rejects after `timeoutMs`). */
  async closedByServer(timeoutMs = 10_000): Promise<void> {
    await this.until(() => (this.closed ? true : undefined), timeoutMs);
  }

  close(): void {
    this.socket.destroy();
  }
}
