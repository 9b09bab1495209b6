import net from 'node:net';
import tls from 'node:tls';

/**
 * A bare IMAP client over a socket, written from RFC 9051 §2.2 and §7 and
 * knowing nothing of jdmail: it sends what it is told (tags added, literals
 * framed) and hands back every response as text, literals inlined. The
 * differential tests, the test servers' seeding and the IMAP benchmark (which
 * holds thousands of these at once, so it stays small) use it; tests of real
 * client behaviour use real clients instead.
 */

/** Where to connect. */
export interface ImapTarget {
  /** Default 127.0.0.1. */
  host?: string;
  port: number;
  /** `implicit`: TLS from the first byte (port 993 style); `starttls`: STARTTLS after the greeting. */
  tls?: 'implicit' | 'starttls' | false;
  /** PEM of the CA to check the server against; without it any certificate is accepted (throwaway servers). */
  ca?: string | Buffer;
  /** TLS server name (SNI and certificate check); default `localhost`. */
  servername?: string;
  /** Source address, e.g. another 127.0.0.x to look like another client. */
  localAddress?: string;
}

/** A literal argument (RFC 9051 §4.3): `sync` waits for the server's `+`; `plus` is LITERAL+ / LITERAL- (`{n+}`). */
export interface Literal {
  literal: Buffer;
  mode: 'sync' | 'plus';
}

/** One piece of a command line: text as is, or a literal. */
export type CommandPart = string | Literal;

/** The literal `data` (a string is sent as UTF-8). */
export function literal(data: string | Buffer, mode: Literal['mode'] = 'sync'): Literal {
  return { literal: typeof data === 'string' ? Buffer.from(data, 'utf8') : data, mode };
}

/** An IMAP quoted string for ASCII text (RFC 9051 §4.3); anything else must go as a {@link literal}. */
export function quote(s: string): string {
  if (/[\r\n\u0080-\uffff]/.test(s))
    throw new Error(`cannot quote ${JSON.stringify(s)}: send it as a literal`);
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** One server response: its text with any literals inlined (`{n}\r\n<bytes>`), and the literals' exact bytes. */
export interface ImapResponse {
  text: string;
  literals: Buffer[];
  /** `performance.now()` when its last byte was parsed. */
  at: number;
}

/** The outcome of one tagged command. */
export interface ImapReply {
  tag: string;
  status: 'OK' | 'NO' | 'BAD';
  /** The tagged completion line. */
  text: string;
  /** Untagged responses that arrived while this was the oldest command in flight. */
  untagged: ImapResponse[];
  /** Continuation requests (`+ …`) the command received. */
  continuations: string[];
}

interface Pending {
  tag: string;
  untagged: ImapResponse[];
  continuations: string[];
  contWaiter: ((ok: boolean) => void) | null;
  finished: boolean;
  resolve: (r: ImapReply) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

const LITERAL_AT_END = /~?\{(\d+)\+?\}$/;

/** One IMAP connection. Make it with {@link ImapWire.connect}. */
export class ImapWire {
  /** The server's greeting line. */
  greeting = '';
  /** The last capability list seen (greeting, CAPABILITY response or code), upper-cased. */
  capabilities = new Set<string>();
  closed = false;
  /** Untagged responses that arrived with no command in flight (IDLE updates, BYE …), oldest first. */
  readonly unsolicited: ImapResponse[] = [];
  /** Called for every untagged response as it arrives (the benchmark's latency probe). */
  onUntagged: ((r: ImapResponse) => void) | null = null;

  private socket!: net.Socket;
  private buf: Buffer = Buffer.alloc(0);
  private segs: string[] = [];
  private lits: Buffer[] = [];
  private need = 0;
  private seq = 0;
  private readonly pending = new Map<string, Pending>();
  private readonly order: string[] = [];
  private writing: Promise<void> = Promise.resolve();
  private greeted: ((r: ImapResponse) => void) | null = null;
  private greetFailed: ((e: Error) => void) | null = null;
  private waiters: (() => void)[] = [];
  private closeError: Error | null = null;

  private constructor() {}

  /** Connects, waits for the greeting and, with `tls: 'starttls'`, upgrades. */
  static async connect(target: ImapTarget, timeoutMs = 15_000): Promise<ImapWire> {
    const wire = new ImapWire();
    const host = target.host ?? '127.0.0.1';
    const tlsOptions = {
      ca: target.ca,
      rejectUnauthorized: target.ca !== undefined,
      servername: target.servername ?? 'localhost',
    };
    const greeting = new Promise<ImapResponse>((res, rej) => {
      wire.greeted = res;
      wire.greetFailed = rej;
    });
    const plain = net.connect({ host, port: target.port, localAddress: target.localAddress });
    const socket = target.tls === 'implicit' ? tls.connect({ socket: plain, ...tlsOptions }) : plain;
    if (socket !== plain) plain.once('error', (e) => socket.destroy(e));
    wire.attach(socket);
    const first = await wire.within(greeting, timeoutMs, 'no greeting');
    wire.greeting = first.text;
    if (target.tls === 'starttls') {
      const r = await wire.command('STARTTLS', { timeoutMs });
      if (r.status !== 'OK') throw new Error(`STARTTLS refused: ${r.text}`);
      socket.removeAllListeners('data');
      const secure = tls.connect({ socket, ...tlsOptions });
      await wire.within(
        new Promise<void>((res, rej) => {
          secure.once('secureConnect', res);
          secure.once('error', rej);
        }),
        timeoutMs,
        'TLS handshake',
      );
      wire.capabilities.clear();
      wire.attach(secure);
    }
    return wire;
  }

  /** True when the last capability list names `cap` (case-insensitive). */
  has(cap: string): boolean {
    return this.capabilities.has(cap.toUpperCase());
  }

  /**
   * Sends one command (a tag is added) and resolves with its tagged reply. Commands may be
   * pipelined: call again before the first resolves. A sync literal waits for the server's `+`
   * (and stops, resolving with the tagged reply, if the server refuses it instead).
   */
  command(parts: CommandPart | CommandPart[], { timeoutMs = 30_000 } = {}): Promise<ImapReply> {
    if (this.closed) return Promise.reject(this.closeError ?? new Error('connection closed'));
    const tag = `A${++this.seq}`;
    const list = Array.isArray(parts) ? parts : [parts];
    return new Promise<ImapReply>((resolve, reject) => {
      const p: Pending = {
        tag,
        untagged: [],
        continuations: [],
        contWaiter: null,
        finished: false,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.finish(p);
          reject(new Error(`no reply to ${tag} ${preview(list)} in ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.pending.set(tag, p);
      this.order.push(tag);
      this.writing = this.writing.then(() => this.writeCommand(p, list)).catch(() => {});
    });
  }

  /** `LOGIN user password`, each as a quoted string or, if it needs one, a literal. */
  login(user: string, password: string): Promise<ImapReply> {
    const arg = (s: string) => (/^[\x20-\x7e]*$/.test(s) ? quote(s) : literal(s));
    return this.command(['LOGIN ', arg(user), ' ', arg(password)]);
  }

  /**
   * Starts IDLE (RFC 2177) and resolves once the server's `+` arrived; `done()` ends it and
   * resolves with IDLE's tagged reply. Updates meanwhile land in {@link unsolicited}.
   */
  async idle(timeoutMs = 30_000): Promise<{ done(): Promise<ImapReply> }> {
    const reply = this.command('IDLE', { timeoutMs: 24 * 3600_000 });
    reply.catch(() => {}); // a close while idling rejects it; done() still returns it to whoever asks
    const p = this.pending.get(`A${this.seq}`);
    if (!p) throw new Error('IDLE ended at once');
    const ok = await this.within(this.continuation(p), timeoutMs, 'no continuation for IDLE');
    if (!ok) {
      const r = await reply;
      throw new Error(`IDLE refused: ${r.text}`);
    }
    // While idling, updates belong to no command: route them to `unsolicited`.
    this.order.splice(this.order.indexOf(p.tag), 1);
    return {
      done: () => {
        this.writeRaw('DONE\r\n');
        return reply;
      },
    };
  }

  /** Writes a raw line (it must end in CRLF): DONE, an AUTHENTICATE answer, garbage for a test. */
  writeRaw(data: string | Buffer): void {
    this.socket.write(data);
  }

  /**
   * Resolves with the unsolicited responses up to and including the first whose text matches
   * `re`, removing them from {@link unsolicited}; waits for it if it has not come yet.
   */
  async waitFor(re: RegExp, timeoutMs = 10_000): Promise<ImapResponse[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.unsolicited.findIndex((r) => re.test(r.text));
      if (i >= 0) return this.unsolicited.splice(0, i + 1);
      if (this.closed) throw new Error(`closed while waiting for ${re}`);
      const left = deadline - Date.now();
      if (left <= 0) {
        const seen = this.unsolicited.map((r) => r.text).join(' | ');
        throw new Error(`no response matching ${re} in ${timeoutMs} ms (have: ${seen})`);
      }
      await new Promise<void>((res) => {
        const t = setTimeout(res, left);
        this.waiters.push(() => {
          clearTimeout(t);
          res();
        });
      });
    }
  }

  /** LOGOUT, waiting for its reply (or the close) briefly, then closes the socket. */
  async logout(timeoutMs = 5_000): Promise<void> {
    if (!this.closed) await this.command('LOGOUT', { timeoutMs }).catch(() => {});
    this.destroy();
  }

  /** Closes the socket at once. */
  destroy(): void {
    this.socket?.destroy();
  }

  private attach(socket: net.Socket): void {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('error', (e) => {
      this.closeError = e;
    });
    socket.on('close', () => this.onClose());
  }

  private onClose(): void {
    this.closed = true;
    const err = this.closeError ?? new Error('connection closed by the server');
    if (this.greeted) {
      this.greeted = null;
      this.greetFailed?.(new Error(`no greeting: ${err.message}`));
    }
    for (const p of [...this.pending.values()]) {
      this.finish(p);
      p.reject(new Error(`${p.tag}: ${err.message}`));
    }
    for (const w of this.waiters.splice(0)) w();
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    for (;;) {
      if (this.need > 0) {
        if (this.buf.length < this.need) return;
        const lit = this.buf.subarray(0, this.need);
        this.lits.push(Buffer.from(lit));
        this.segs.push(lit.toString('utf8'));
        this.buf = this.buf.subarray(this.need);
        this.need = 0;
      }
      const eol = this.buf.indexOf(10);
      if (eol < 0) return;
      const end = eol > 0 && this.buf[eol - 1] === 13 ? eol - 1 : eol;
      const line = this.buf.toString('utf8', 0, end);
      this.buf = this.buf.subarray(eol + 1);
      const m = LITERAL_AT_END.exec(line);
      if (m) {
        this.segs.push(`${line}\r\n`);
        this.need = Number(m[1]);
        continue;
      }
      this.segs.push(line);
      const r: ImapResponse = { text: this.segs.join(''), literals: this.lits, at: performance.now() };
      this.segs = [];
      this.lits = [];
      this.dispatch(r);
    }
  }

  private dispatch(r: ImapResponse): void {
    if (this.greeted) {
      const g = this.greeted;
      this.greeted = null;
      this.greetFailed = null;
      this.noteCapabilities(r.text);
      g(r);
      return;
    }
    const t = r.text;
    if (t.startsWith('+')) {
      const p = this.oldestWaitingForContinuation();
      if (p) {
        p.continuations.push(t);
        const w = p.contWaiter;
        p.contWaiter = null;
        w?.(true);
      }
      return;
    }
    if (t.startsWith('* ')) {
      this.noteCapabilities(t);
      const current = this.order.length > 0 ? this.pending.get(this.order[0] ?? '') : undefined;
      if (current) current.untagged.push(r);
      else this.unsolicited.push(r);
      this.onUntagged?.(r);
      for (const w of this.waiters.splice(0)) w();
      return;
    }
    const sp = t.indexOf(' ');
    const p = this.pending.get(t.slice(0, sp));
    if (!p) return; // a tag we never sent: nothing waits for it
    this.noteCapabilities(t);
    const status = t
      .slice(sp + 1)
      .split(' ', 1)[0]
      ?.toUpperCase();
    this.finish(p);
    p.resolve({
      tag: p.tag,
      status: status === 'OK' || status === 'NO' ? status : 'BAD',
      text: t,
      untagged: p.untagged,
      continuations: p.continuations,
    });
  }

  /** The command a `+` answers: the one waiting for it (writes are serialized, so at most one). */
  private oldestWaitingForContinuation(): Pending | undefined {
    for (const p of this.pending.values()) if (p.contWaiter) return p;
    return this.order.length > 0 ? this.pending.get(this.order[0] ?? '') : undefined;
  }

  private noteCapabilities(text: string): void {
    const m = /^(?:\* CAPABILITY |\S+ OK \[CAPABILITY |\* (?:OK|PREAUTH) \[CAPABILITY )([^\]\r\n]*)/i.exec(
      text,
    );
    if (m?.[1]) this.capabilities = new Set(m[1].trim().toUpperCase().split(/\s+/));
  }

  private finish(p: Pending): void {
    p.finished = true;
    clearTimeout(p.timer);
    this.pending.delete(p.tag);
    const i = this.order.indexOf(p.tag);
    if (i >= 0) this.order.splice(i, 1);
    const w = p.contWaiter;
    p.contWaiter = null;
    w?.(false);
  }

  /** Resolves true on the next `+` for `p`, false if `p` completed first. */
  private continuation(p: Pending): Promise<boolean> {
    if (p.finished) return Promise.resolve(false);
    if (p.continuations.length > 0) return Promise.resolve(true);
    return new Promise((res) => {
      p.contWaiter = res;
    });
  }

  private async writeCommand(p: Pending, parts: CommandPart[]): Promise<void> {
    let out: Buffer[] = [Buffer.from(`${p.tag} `)];
    for (const part of parts) {
      if (p.finished) return;
      if (typeof part === 'string') {
        out.push(Buffer.from(part, 'utf8'));
        continue;
      }
      const n = part.literal.length;
      if (part.mode === 'plus') {
        out.push(Buffer.from(`{${n}+}\r\n`), part.literal);
        continue;
      }
      out.push(Buffer.from(`{${n}}\r\n`));
      this.socket.write(Buffer.concat(out));
      out = [];
      p.continuations.length = 0;
      if (!(await this.continuation(p))) return; // refused: the tagged reply has settled it
      out.push(part.literal);
    }
    out.push(Buffer.from('\r\n'));
    this.socket.write(Buffer.concat(out));
  }

  private within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
    return new Promise<T>((res, rej) => {
      const t = setTimeout(() => {
        this.destroy();
        rej(new Error(`${what} within ${ms} ms`));
      }, ms);
      promise.then(
        (v) => {
          clearTimeout(t);
          res(v);
        },
        (e) => {
          clearTimeout(t);
          rej(e);
        },
      );
    });
  }
}

function preview(parts: CommandPart[]): string {
  return parts
    .map((p) => (typeof p === 'string' ? p : `{${p.literal.length}}`))
    .join('')
    .slice(0, 80);
}
