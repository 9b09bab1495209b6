import type { Duplex } from 'node:stream';
import { openRawSocket, type RawConnectOptions, RawSocket } from './raw-socket.js';

/**
 * A bare POP3 client over a socket: for what real clients never send
 * (junk, NUL, endless lines, trickled bytes, pipelined STLS injection), for
 * watching the server end a session, and for pipelining by hand.
 */
export class RawPop3 extends RawSocket {
  private constructor(socket: Duplex) {
    super(socket, 'latin1');
  }

  /** Connects to `port` on 127.0.0.1 (from `localAddress` when given); `tls` for POP3S. */
  static async connect(port: number, options: RawConnectOptions = {}): Promise<RawPop3> {
    return new RawPop3(await openRawSocket(port, options));
  }

  /** Sends one command line (CRLF added) and reads its status line. */
  async command(line: string): Promise<string> {
    this.write(`${line}\r\n`);
    return this.line();
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
}
