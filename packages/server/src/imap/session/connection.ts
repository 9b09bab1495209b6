import type net from 'node:net';
import type { Readable } from 'node:stream';
import tls from 'node:tls';
import { DeflateChannel, type ResponsePart, type StreamedValue } from '../protocol/index.js';

/** The client went away while a command was writing: the command stops there. */
export class ConnectionGone extends Error {
  constructor() {
    super('connection gone');
  }
}

/** Output is written once this much is queued, even mid-command (a long FETCH). */
const FLUSH_BYTES = 64 * 1024;
/** After the last line, how long a client has to close its side before the socket is destroyed. */
const LINGER_MS = 2000;

/**
 * One client connection's transport: the socket (plain, then TLS after
 * STARTTLS, or TLS from the start), optionally under COMPRESS=DEFLATE, with
 * an output queue written in gathered writes and backpressure. Knows nothing
 * of IMAP. Kept small: 20,000 idle sessions hold one each.
 */
export class Connection {
  socket: net.Socket;
  secure = false;
  /** Waiting for the client to read what was written (a slow reader is not idle). */
  waitingForClient = false;
  /** A TLS handshake is under way. */
  handshaking = false;
  private deflate: DeflateChannel | null = null;
  private out: Buffer[] | null = null;
  private outBytes = 0;
  private gone = false;
  private readonly cleanups: Array<() => unknown> = [];
  private closedResolve: (() => void) | null = null;
  private finished = false;
  private closedPromise: Promise<void> | null = null;

  constructor(
    socket: net.Socket,
    private readonly onData: (chunk: Buffer) => void,
  ) {
    this.socket = socket;
    this.attach(socket);
  }

  /** True once the socket has closed. */
  get closed(): boolean {
    return this.gone;
  }

  /** Resolves once the socket has closed and the cleanups ran. */
  get whenClosed(): Promise<void> {
    if (this.finished) return Promise.resolve();
    this.closedPromise ??= new Promise<void>((resolve) => {
      this.closedResolve = resolve;
    });
    return this.closedPromise;
  }

  /** Runs `fn` once the connection has closed (leases, the user's place, the registry entry). */
  onClose(fn: () => unknown): void {
    if (this.gone) void fn();
    else this.cleanups.push(fn);
  }

  /** Queues bytes; they go out at {@link flush}, or at once past 64 KiB. */
  send(data: Buffer): void {
    if (this.gone) return;
    if (this.out === null) this.out = [];
    this.out.push(data);
    this.outBytes += data.length;
  }

  /** Writes what is queued, as one gathered write, and waits while the client is slow to read. */
  async flush(): Promise<void> {
    const pieces = this.out;
    if (pieces === null || this.outBytes === 0) return;
    this.out = null;
    this.outBytes = 0;
    if (this.gone) throw new ConnectionGone();
    let room = true;
    if (this.deflate) {
      for (const piece of pieces) room = this.deflate.write(piece);
    } else if (pieces.length === 1) room = this.socket.write(pieces[0] as Buffer);
    else {
      this.socket.cork();
      for (const piece of pieces) room = this.socket.write(piece);
      this.socket.uncork();
    }
    if (!room) await this.drained();
  }

  /** Sends and flushes once enough has gathered: for long responses. */
  async sendStreamed(data: Buffer): Promise<void> {
    this.send(data);
    if (this.outBytes >= FLUSH_BYTES) await this.flush();
  }

  /**
   * Writes response parts in order; each streamed literal is piped from its
   * Readable and must give exactly its announced size, or the connection is
   * cut (the client would read the next response as literal data).
   */
  async writeParts(parts: readonly ResponsePart[]): Promise<void> {
    for (const part of parts) {
      if (Buffer.isBuffer(part)) await this.sendStreamed(part);
      else await this.pipeLiteral(part);
    }
  }

  private async pipeLiteral(part: StreamedValue): Promise<void> {
    const stream = part.stream as Readable;
    let sent = 0;
    try {
      for await (const chunk of stream) {
        const buf = chunk as Buffer;
        const take = Math.min(buf.length, part.size - sent);
        if (take > 0) await this.sendStreamed(take === buf.length ? buf : buf.subarray(0, take));
        sent += take;
        if (this.gone) throw new ConnectionGone();
      }
    } catch (error) {
      stream.destroy();
      this.destroy();
      throw error instanceof ConnectionGone ? error : new ConnectionGone();
    }
    if (sent !== part.size) {
      this.destroy();
      throw new ConnectionGone();
    }
  }

  /** Waits until the socket (or compressor) has room again, or the connection closes. */
  private async drained(): Promise<void> {
    this.waitingForClient = true;
    try {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.socket.off('drain', done);
          this.socket.off('close', done);
          resolve();
        };
        if (this.deflate) this.deflate.onDrain(done);
        else this.socket.on('drain', done);
        this.socket.on('close', done);
      });
    } finally {
      this.waitingForClient = false;
    }
    if (this.gone) throw new ConnectionGone();
  }

  /**
   * Turns the connection into TLS (STARTTLS, RFC 9051 §6.2.1, or IMAPS from
   * the start, RFC 8314). Resolves once the handshake is done.
   */
  async startTls(secureContext: tls.SecureContext): Promise<void> {
    const plain = this.socket;
    plain.removeListener('data', this.onData);
    if (plain.isPaused()) plain.resume();
    const secure = new tls.TLSSocket(plain, { isServer: true, secureContext, requestCert: false });
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

  /** Starts COMPRESS=DEFLATE (RFC 4978): from now on both directions are compressed. */
  startCompression(): void {
    this.socket.removeListener('data', this.onData);
    const channel = new DeflateChannel(this.socket, { level: 1, memLevel: 8 });
    channel.on('data', this.onData);
    channel.on('error', () => this.destroy());
    this.deflate = channel;
  }

  get compressed(): boolean {
    return this.deflate !== null;
  }

  /** Pauses reading (the session has enough unread input). */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  /** Writes what is queued plus `last`, then closes; destroyed if the client does not close in time. */
  end(last?: Buffer): void {
    if (this.gone) return;
    if (last) this.send(last);
    const pieces = this.out ?? [];
    this.out = null;
    this.outBytes = 0;
    if (this.deflate) {
      for (const piece of pieces) this.deflate.write(piece);
      this.deflate.end();
    } else if (pieces.length > 0) this.socket.end(Buffer.concat(pieces));
    else this.socket.end();
    setTimeout(() => this.socket.destroy(), LINGER_MS).unref();
  }

  /** Cuts the connection at once. */
  destroy(): void {
    this.deflate?.destroy();
    this.socket.destroy();
  }

  private attach(socket: net.Socket): void {
    socket.on('data', this.onData);
    socket.on('error', () => {}); // reported by 'close'; an error here is the client's
    socket.once('close', () => this.onSocketClose());
  }

  private onSocketClose(): void {
    if (this.gone) return; // after STARTTLS both the plain and the TLS socket report it
    this.gone = true;
    this.out = null;
    this.deflate?.destroy();
    const cleanups = this.cleanups.splice(0);
    void Promise.allSettled(cleanups.map(async (fn) => fn())).then(() => {
      this.finished = true;
      this.closedResolve?.();
    });
  }
}
