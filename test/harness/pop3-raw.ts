import { once } from 'node:events';
import net from 'node:net';
import tls from 'node:tls';

/**
 * A bare POP3 client over a socket: for what real clients never send
 * (junk, NUL, endless lines, trickled bytes, pipelined STLS injection), for
 * watching the server end a session, and for pipelining by hand.
 */
export class RawPop3 {
  private buf = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(private socket: net.Socket) {
    this.listen(socket);
  }

  /**
   * Connects to `port` on 127.0.0.1, from `localAddress` when given (any
   * address of 127.0.0.0/8 is a client of its own); `tls` for POP3S.
   */
  static async connect(
    port: number,
    options: { localAddress?: string; tls?: boolean } = {},
  ): Promise<RawPop3> {
    const plain = net.connect({ port, host: '127.0.0.1', localAddress: options.localAddress });
    await once(plain, 'connect');
    if (!options.tls) return new RawPop3(plain);
    const secure = tls.connect({ socket: plain, rejectUnauthorized: false });
    await once(secure, 'secureConnect');
    return new RawPop3(secure);
  }

  private listen(socket: net.Socket): void {
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
    return this.buf.toString('latin1');
  }

  /** Writes raw bytes. */
  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Sends one command line (CRLF added) and reads its status line. */
  async command(line: string): Promise<string> {
    this.write(`${line}\r\n`);
    return this.line();
  }

  /** Waits until `ready()` finds what it needs in the buffer, the server closes, or `timeoutMs` passes. */
  private async until<T>(ready: () => T | undefined, timeoutMs: number): Promise<T> {
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

  /** Reads one line (without its CRLF). */
  line(timeoutMs = 10_000): Promise<string> {
    return this.until(() => {
      const end = this.buf.indexOf('\r\n');
      if (end < 0) return undefined;
      const line = this.buf.toString('utf8', 0, end);
      this.buf = this.buf.subarray(end + 2);
      return line;
    }, timeoutMs);
  }

  /** Reads the body of a multi-line response, up to its terminator, as the wire has it (still dot-stuffed). */
  multiLineBody(timeoutMs = 10_000): Promise<Buffer> {
    return this.until(() => {
      if (this.buf.subarray(0, 3).toString() === '.\r\n') {
        this.buf = this.buf.subarray(3);
        return Buffer.alloc(0);
      }
      const end = this.buf.indexOf('\r\n.\r\n');
      if (end < 0) return undefined;
      const body = this.buf.subarray(0, end + 2);
      this.buf = this.buf.subarray(end + 5);
      return body;
    }, timeoutMs);
  }

  /** Reads a multi-line response: its status line and its lines, un-stuffed. */
  async multiLine(timeoutMs = 10_000): Promise<{ status: string; lines: string[] }> {
    const status = await this.line(timeoutMs);
    if (!status.startsWith('+OK')) return { status, lines: [] };
    const body = (await this.multiLineBody(timeoutMs)).toString('utf8');
    const lines = body === '' ? [] : body.slice(0, -2).split('\r\n');
    return { status, lines: lines.map((l) => (l.startsWith('.') ? l.slice(1) : l)) };
  }

  /** Upgrades to TLS after the server's `+OK` to STLS. */
  async startTls(): Promise<void> {
    this.socket.removeAllListeners('data');
    this.socket.removeAllListeners('close');
    const secure = tls.connect({ socket: this.socket, rejectUnauthorized: false });
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
