// POP3 download of a whole maildrop (RFC 1939): USER/PASS, STAT, then RETR of every message in
// turn, one at a time as a fetch-mail client does, and QUIT without DELE (the maildrop stays).
import net from 'node:net';

export interface Pop3Result {
  messages: number;
  /** Message octets received (after dot-unstuffing: the messages' own size). */
  bytes: number;
  /** The maildrop size STAT announced; must equal `bytes` (RFC 1939 §5: exact octet counts). */
  statBytes: number;
  /** From the first RETR to the end of the last. */
  ms: number;
}

/** A socket read as POP3 responses: status lines and dot-terminated multi-line data. */
class Pop3Reader {
  private buf: Buffer = Buffer.alloc(0);
  private waiter: (() => void) | null = null;
  private closed = false;

  constructor(socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  private async more(): Promise<void> {
    if (this.closed) throw new Error('POP3 connection closed');
    await new Promise<void>((r) => {
      this.waiter = r;
    });
  }

  /** One status line; rejects on `-ERR`. */
  async status(): Promise<string> {
    for (;;) {
      const eol = this.buf.indexOf('\r\n');
      if (eol >= 0) {
        const line = this.buf.toString('latin1', 0, eol);
        this.buf = this.buf.subarray(eol + 2);
        if (!line.startsWith('+OK')) throw new Error(`POP3: ${line}`);
        return line;
      }
      await this.more();
    }
  }

  /** The data after a `+OK` of a multi-line response, up to `CRLF.CRLF`; returns its size unstuffed. */
  async multiline(): Promise<number> {
    let from = 0;
    for (;;) {
      // The terminator is CRLF "." CRLF; data may be empty, when it is just ".\r\n".
      if (this.buf.length >= 3 && this.buf.subarray(0, 3).toString() === '.\r\n') {
        this.buf = this.buf.subarray(3);
        return 0;
      }
      const end = this.buf.indexOf('\r\n.\r\n', from);
      if (end >= 0) {
        const data = this.buf.subarray(0, end + 2);
        this.buf = this.buf.subarray(end + 5);
        return data.length - countStuffed(data);
      }
      from = Math.max(0, this.buf.length - 4);
      await this.more();
    }
  }
}

/** Lines that begin with a stuffed dot ("..", RFC 1939 §3): one octet each more on the wire. */
function countStuffed(data: Buffer): number {
  let n = data[0] === 0x2e ? 1 : 0;
  for (let i = data.indexOf('\r\n.'); i >= 0; i = data.indexOf('\r\n.', i + 3)) n++;
  return n;
}

/** Downloads every message of `user`'s maildrop over plaintext POP3 on loopback. */
export async function pop3Download(
  port: number,
  user: { name: string; password: string },
): Promise<Pop3Result> {
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.setNoDelay(true);
  const r = new Pop3Reader(socket);
  try {
    await r.status();
    socket.write(`USER ${user.name}\r\n`);
    await r.status();
    socket.write(`PASS ${user.password}\r\n`);
    await r.status();
    socket.write('STAT\r\n');
    const [, count, size] = (await r.status()).split(' ');
    const messages = Number(count);
    let bytes = 0;
    const started = performance.now();
    for (let i = 1; i <= messages; i++) {
      socket.write(`RETR ${i}\r\n`);
      await r.status();
      bytes += await r.multiline();
    }
    const ms = performance.now() - started;
    socket.write('QUIT\r\n');
    await r.status();
    return { messages, bytes, statBytes: Number(size), ms };
  } finally {
    socket.destroy();
  }
}
