import { once } from 'node:events';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';

/** A tagged command's answer: the untagged lines before it (literals inlined) and the tagged status line. */
export interface ImapAnswer {
  untagged: string[];
  status: string;
}

/**
 * A bare IMAP client over a socket: for transcripts of what real clients
 * send (iOS's command during IDLE, Thunderbird's UTF8 APPEND), for what no
 * client sends (junk, NUL, endless lines, huge literals), and for watching
 * the server's exact bytes. Literals in responses are inlined into their
 * line (`{5}\r\nhello` stays as it is on the wire).
 */
export class RawImap {
  private buf = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  closed = false;

  constructor(private socket: Duplex) {
    this.listen(socket);
  }

  /** Connects to `port` on 127.0.0.1 (from `localAddress` when given); `tls` for IMAPS. */
  static async connect(
    port: number,
    options: { localAddress?: string; tls?: boolean } = {},
  ): Promise<RawImap> {
    const plain = net.connect({ port, host: '127.0.0.1', localAddress: options.localAddress });
    await once(plain, 'connect');
    if (!options.tls) return new RawImap(plain);
    const secure = tls.connect({ socket: plain, rejectUnauthorized: false });
    await once(secure, 'secureConnect');
    return new RawImap(secure);
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
    return this.buf.toString('utf8');
  }

  /** Writes raw bytes. */
  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Waits until `ready()` finds what it needs, the server closes, or `timeoutMs` passes. */
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

  /** Reads one response line (without its CRLF), literals included in it. */
  line(timeoutMs = 10_000): Promise<string> {
    return this.until(() => {
      let from = 0;
      for (;;) {
        const end = this.buf.indexOf('\r\n', from);
        if (end < 0) return undefined;
        const literal = /\{(\d+)\+?\}$/.exec(this.buf.toString('latin1', from, end));
        if (!literal) {
          const line = this.buf.toString('utf8', 0, end);
          this.buf = this.buf.subarray(end + 2);
          return line;
        }
        from = end + 2 + Number(literal[1]);
        if (from > this.buf.length) return undefined;
      }
    }, timeoutMs);
  }

  /** Reads lines until one matches `re`; returns them all, the matching one last. */
  async readUntil(re: RegExp, timeoutMs = 10_000): Promise<string[]> {
    const lines: string[] = [];
    for (;;) {
      const line = await this.line(timeoutMs);
      lines.push(line);
      if (re.test(line)) return lines;
    }
  }

  /** Sends `tag command` and reads up to the tagged status line. */
  async command(tag: string, command: string, timeoutMs = 10_000): Promise<ImapAnswer> {
    this.write(`${tag} ${command}\r\n`);
    return this.answer(tag, timeoutMs);
  }

  /** Reads up to the status line tagged `tag`. */
  async answer(tag: string, timeoutMs = 10_000): Promise<ImapAnswer> {
    const lines = await this.readUntil(
      new RegExp(`^${tag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `),
      timeoutMs,
    );
    return { untagged: lines.slice(0, -1), status: lines[lines.length - 1] as string };
  }

  /** Upgrades to TLS (after the server's OK to STARTTLS). */
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
