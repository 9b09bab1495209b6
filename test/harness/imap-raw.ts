import type { Duplex } from 'node:stream';
import { openRawSocket, type RawConnectOptions, RawSocket } from './raw-socket.js';

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
export class RawImap extends RawSocket {
  constructor(socket: Duplex) {
    super(socket, 'utf8');
  }

  /** Connects to `port` on 127.0.0.1 (from `localAddress` when given); `tls` for IMAPS. */
  static async connect(port: number, options: RawConnectOptions = {}): Promise<RawImap> {
    return new RawImap(await openRawSocket(port, options));
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
}
