import { once } from 'node:events';
import net from 'node:net';

export interface Reply {
  code: number;
  lines: string[];
  text: string;
}

/**
 * A bare SMTP client over a socket: for sessions real clients refuse to
 * send (garbage, bare LF, oversized input) and for timing the greeting.
 */
export class RawSmtp {
  private buf = '';
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(readonly socket: net.Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      this.buf += d;
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on('close', () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on('error', () => {});
  }

  /**
   * Connects to `port` on 127.0.0.1, from `localAddress` when given: any
   * address of 127.0.0.0/8 is a client of its own, for tests of per-client limits.
   */
  static async connect(port: number, localAddress?: string): Promise<RawSmtp> {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress });
    await once(socket, 'connect');
    return new RawSmtp(socket);
  }

  /** Everything received and not yet read as a reply. */
  get pending(): string {
    return this.buf;
  }

  /** Resolves once the server has closed the connection (or `timeoutMs` passed: then rejects). */
  async closedByServer(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`still open after ${timeoutMs} ms; have ${JSON.stringify(this.buf)}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** Reads one (possibly multi-line) reply, RFC 5321 §4.2.1. */
  async reply(timeoutMs = 10_000): Promise<Reply> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = /^(?:\d{3}-[^\r\n]*\r\n)*(\d{3}) [^\r\n]*\r\n/.exec(this.buf);
      if (m) {
        const block = m[0];
        this.buf = this.buf.slice(block.length);
        const lines = block.trimEnd().split('\r\n');
        return { code: Number(m[1]), lines, text: lines.join('\n') };
      }
      if (this.closed) throw new Error(`connection closed; unparsed: ${JSON.stringify(this.buf)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no reply in ${timeoutMs} ms; have ${JSON.stringify(this.buf)}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  async command(line: string): Promise<Reply> {
    this.write(`${line}\r\n`);
    return this.reply();
  }

  close(): void {
    this.socket.destroy();
  }
}
