import type net from 'node:net';
import tls from 'node:tls';
import type { Logger } from 'pino';
import { RecordDeadline } from '../../limits/index.js';
import { err, type LineEvent, LineReader } from '../protocol/index.js';
import { dispatch } from './commands.js';
import type { Pop3Deps } from './deps.js';
import type { SessionUser } from './mailbox-access.js';
import type { Maildrop } from './maildrop.js';

/** RFC 1939 §3 states; `closed` once the connection is going away. */
export type Pop3State = 'authorization' | 'transaction' | 'update' | 'closed';

/**
 * Longest command line, CRLF included. RFC 2449 §4 asks clients for 255
 * octets; a SASL response of a long password in base64 may need more.
 */
export const MAX_LINE_BYTES = 4096;
/** Pipelined lines waiting past this pause reading from the socket (RFC 2449 §6.6 allows any number). */
const MAX_QUEUED_LINES = 64;
/** Unknown or malformed commands a session may send before it is closed. */
const MAX_BAD_COMMANDS = 20;
/** Output is written in pieces of about this size: small responses of a pipeline share one write. */
const FLUSH_BYTES = 64 * 1024;
/** After the last line, how long a client has to close its side before the socket is destroyed. */
const LINGER_MS = 2000;
/** Bytes per second a command line must arrive at once begun (each byte buys 2 ms): trickling is cut. */
const MIN_COMMAND_RATE = 500;

/** The connection went away while a command was writing: the command stops there. */
export class ConnectionGone extends Error {}

/** Why the listener ends a session: a command line too slow to arrive, or no command for too long. */
export type Expiry = 'too-slow' | 'idle';

export interface SessionOptions {
  /** POP3S: TLS from the first byte (RFC 8314 §3.3). */
  implicitTls: boolean;
  /** `pop3.commandTimeoutMs`. */
  commandTimeoutMs: number;
  /** `pop3.idleTimeoutMs`. */
  idleTimeoutMs: number;
  log: Logger;
}

/**
 * One POP3 connection: reads command lines (pipelined ones queue and run in
 * order, RFC 2449 §6.6), runs each through the command table, and writes the
 * responses with backpressure. Owns the socket, the state, the signed-in
 * user and the maildrop; the commands (one file each) act on it.
 */
export class Pop3Session {
  state: Pop3State = 'authorization';
  secure: boolean;
  socket: net.Socket;
  readonly ip: string;
  readonly log: Logger;
  /** The name USER gave, waiting for PASS. */
  pendingUser: string | null = null;
  user: SessionUser | null = null;
  maildrop: Maildrop | null = null;
  /** A SASL exchange waiting for the client's next line (RFC 5034 §4). */
  continuation: ((line: string) => Promise<void>) | null = null;
  /** A multi-line response is on the wire: an error can no longer be answered, only the connection cut. */
  streaming = false;
  badCommands = 0;

  private readonly reader = new LineReader(MAX_LINE_BYTES);
  private readonly queue: LineEvent[] = [];
  private running = false;
  private pausedByUs = false;
  private stopping = false;
  private out: Buffer[] = [];
  private outBytes = 0;
  private readonly cleanups: (() => unknown)[] = [];
  private socketClosed = false;
  private closedResolve!: () => void;
  /** Resolves once the socket has closed and cleanups ran. */
  readonly closed = new Promise<void>((r) => {
    this.closedResolve = r;
  });
  // The deadlines the listener checks (see check()).
  private bytesIn = 0;
  private bytesSeen = 0;
  private lastCheck = Date.now();
  private lastActivity = Date.now();
  private busy = false;
  private handshaking = false;
  private waitingForClient = false;
  private readonly record: RecordDeadline;

  constructor(
    socket: net.Socket,
    readonly deps: Pop3Deps,
    private readonly options: SessionOptions,
  ) {
    this.socket = socket;
    this.secure = false;
    this.ip = socket.remoteAddress ?? '';
    this.log = options.log;
    this.record = new RecordDeadline({
      timeoutMs: options.commandTimeoutMs,
      minBytesPerSecond: MIN_COMMAND_RATE,
    });
    this.attach(socket);
  }

  /** Greets the client (after the TLS handshake on POP3S), or refuses it with `refusal` and closes. */
  async start(refusal?: string): Promise<void> {
    try {
      if (this.options.implicitTls) await this.startTls();
      if (refusal) return this.end(refusal);
      this.send(`+OK ${this.deps.settings.hostname} POP3 server ready\r\n`);
      await this.flush();
    } catch {
      this.destroy();
    }
  }

  /** Runs `fn` once the connection has closed (leases, the user's place, the registry entry). */
  onClose(fn: () => unknown): void {
    if (!this.socketClosed) this.cleanups.push(fn);
    else
      Promise.resolve()
        .then(fn)
        .catch((e: unknown) => this.log.warn({ err: e }, 'pop3: cleanup failed'));
  }

  /** Queues output; written at the end of the command, or once enough has gathered. */
  send(data: string | Buffer): void {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    this.out.push(buf);
    this.outBytes += buf.length;
  }

  /** Sends and, past {@link FLUSH_BYTES}, writes, waiting while the client is slow to read. */
  async sendStreamed(data: Buffer): Promise<void> {
    this.send(data);
    if (this.outBytes >= FLUSH_BYTES) await this.flush();
  }

  /**
   * Writes what is queued, as one gathered write (no copy), and waits for
   * the client to read when the socket's buffer is full.
   */
  async flush(): Promise<void> {
    if (this.outBytes === 0) return;
    const pieces = this.out;
    this.out = [];
    this.outBytes = 0;
    const { socket } = this;
    if (socket.destroyed) throw new ConnectionGone();
    let room = true;
    if (pieces.length === 1) room = socket.write(pieces[0] as Buffer);
    else {
      socket.cork();
      for (const piece of pieces) room = socket.write(piece);
      socket.uncork();
    }
    if (room) return;
    this.waitingForClient = true;
    this.lastActivity = Date.now();
    try {
      await new Promise<void>((resolve) => {
        const done = () => {
          socket.off('drain', done);
          socket.off('close', done);
          resolve();
        };
        socket.on('drain', done);
        socket.on('close', done);
      });
    } finally {
      this.waitingForClient = false;
      this.lastActivity = Date.now();
    }
    if (socket.destroyed) throw new ConnectionGone();
  }

  /**
   * Turns the connection into TLS (STLS, RFC 2595 §4, or POP3S from the
   * start). Whatever the client sent after STLS and before the handshake is
   * dropped: it was not protected, and could be an injected command.
   */
  async startTls(): Promise<void> {
    this.queue.length = 0;
    this.reader.reset();
    const plain = this.socket;
    plain.removeListener('data', this.onData);
    if (this.pausedByUs) {
      this.pausedByUs = false;
      plain.resume(); // the TLS layer reads from here on; what was held back is dropped
    }
    const secure = new tls.TLSSocket(plain, {
      isServer: true,
      secureContext: this.deps.secureContext,
      requestCert: false,
    });
    this.handshaking = true;
    this.socket = secure;
    this.attach(secure);
    try {
      await new Promise<void>((resolve, reject) => {
        secure.once('secure', resolve);
        secure.once('error', reject);
        secure.once('close', () => reject(new ConnectionGone()));
      });
    } finally {
      this.handshaking = false;
    }
    this.secure = true;
  }

  /** Sends `line` (if any) and closes; the socket is destroyed if the client does not close in time. */
  end(line?: string): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.continuation = null;
    if (line && !this.streaming) this.send(line);
    const rest = this.outBytes > 0 ? Buffer.concat(this.out, this.outBytes) : undefined;
    this.out = [];
    this.outBytes = 0;
    if (!this.socket.destroyed) {
      if (rest) this.socket.end(rest);
      else this.socket.end();
    }
    setTimeout(() => this.socket.destroy(), LINGER_MS).unref();
  }

  /** Cuts the connection at once (an error mid-response, a revoked session during a command). */
  destroy(): void {
    this.state = 'closed';
    this.socket.destroy();
  }

  /**
   * Ends the session from outside: its registry entry was revoked, or the
   * server is stopping. Between commands the client is told with `line`;
   * during one (a download, say) the connection is cut at once when
   * `now`, else closed with `line` right after the command.
   */
  interrupt(line: string, now: boolean): void {
    if (this.state === 'closed') return;
    if (!this.busy) this.end(line);
    else if (now) this.destroy();
    else this.stopping = true;
  }

  /** Advances the deadlines to `now` (the listener calls this about once a second); says why to end, if so. */
  check(now: number): Expiry | undefined {
    if (this.state === 'closed') return undefined;
    const bytes = this.bytesIn - this.bytesSeen;
    this.bytesSeen = this.bytesIn;
    const elapsed = now - this.lastCheck;
    this.lastCheck = now;
    // The client owes input: a TLS handshake, or a command line it has begun while nothing of ours runs.
    const owes = this.handshaking || (!this.busy && this.reader.pendingBytes > 0);
    if (!this.record.advance(elapsed, bytes, owes)) return 'too-slow';
    const idle = !this.busy || this.waitingForClient;
    if (idle && now - this.lastActivity > this.options.idleTimeoutMs) return 'idle';
    return undefined;
  }

  private attach(socket: net.Socket): void {
    socket.on('data', this.onData);
    socket.on('error', (e: Error) => this.log.debug({ err: e.message }, 'pop3 connection error'));
    socket.once('close', () => this.onSocketClose());
  }

  private readonly onData = (chunk: Buffer): void => {
    this.bytesIn += chunk.length;
    for (const event of this.reader.push(chunk)) this.queue.push(event);
    if (this.queue.length >= MAX_QUEUED_LINES && !this.pausedByUs) {
      this.pausedByUs = true;
      this.socket.pause();
    }
    void this.run();
  };

  private onSocketClose(): void {
    if (this.socketClosed) return; // after STLS both the plain and the TLS socket report it
    this.socketClosed = true;
    this.state = 'closed';
    this.continuation = null;
    const cleanups = this.cleanups.splice(0);
    Promise.allSettled(cleanups.map(async (fn) => fn())).then((results) => {
      for (const r of results)
        if (r.status === 'rejected') this.log.warn({ err: r.reason }, 'pop3: cleanup failed');
      this.closedResolve();
    });
  }

  /** Runs queued lines one after the other; only one run loop at a time. */
  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length > 0 && this.state !== 'closed') {
        const event = this.queue.shift() as LineEvent;
        if (this.pausedByUs && this.queue.length < MAX_QUEUED_LINES / 2) {
          this.pausedByUs = false;
          this.socket.resume();
        }
        this.busy = true;
        this.lastActivity = Date.now();
        await this.handle(event);
        this.busy = false;
        this.lastActivity = Date.now();
        if (this.stopping) this.end(err('Server shutting down, try again later', 'SYS/TEMP'));
        else if (this.queue.length === 0) await this.flush();
      }
    } catch (e) {
      if (!(e instanceof ConnectionGone)) this.log.error({ err: e }, 'pop3 session failed');
      this.destroy();
    } finally {
      this.running = false;
      this.busy = false;
    }
  }

  /** One line: a SASL response, a command, or input too long to be either. */
  private async handle(event: LineEvent): Promise<void> {
    if (event.kind === 'too-long') {
      this.continuation = null;
      return this.refuse(`Command line too long (at most ${MAX_LINE_BYTES} bytes)`);
    }
    const next = this.continuation;
    this.continuation = null;
    try {
      if (next) await next(event.text);
      else await dispatch(this, event.text);
    } catch (e) {
      if (e instanceof ConnectionGone || this.streaming) throw e;
      this.log.error({ err: e }, 'pop3 command failed');
      this.send(err('Internal error; try again later', 'SYS/TEMP'));
    }
  }

  /** Answers a bad line; too many of them end the session (a client that is not speaking POP3). */
  refuse(text: string): void {
    this.badCommands++;
    if (this.badCommands >= MAX_BAD_COMMANDS) this.end(err('Too many bad commands, closing connection'));
    else this.send(err(text));
  }
}
