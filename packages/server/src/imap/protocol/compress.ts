import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import zlib from 'node:zlib';

/** zlib settings of the server's compressor (the decompressor takes whatever the client chose). */
export interface CompressionOptions {
  /** 1 = fastest (RFC 4978 §4: typical responses still shrink to 25–40 %). */
  readonly level?: number;
  /** 1–9; lower saves memory per session (zlib: memory ≈ 2^(windowBits+2) + 2^(memLevel+9)). */
  readonly memLevel?: number;
  /** 9–15; the client's inflater handles any. */
  readonly windowBits?: number;
}

/**
 * COMPRESS=DEFLATE (RFC 4978) over a socket: raw DEFLATE (no zlib header)
 * both ways. Start it right after writing the tagged OK of COMPRESS (§3:
 * compression begins after that CRLF): remove the session's own `data`
 * listener from the socket first (and drop what the reader holds unread,
 * `CommandReader.dropBuffered`), then read commands from this channel's
 * `data` events, and write responses with {@link write}.
 * Every burst of writes is flushed (Z_SYNC_FLUSH) once the current tick
 * ends, so each response reaches the client whole without waiting for more
 * data; call {@link flush} to force it earlier. `error` reports a corrupt
 * stream from the client (close the session). Memory: about 300 KB per
 * session with the defaults (zlib's window and hash tables), so offer it
 * knowingly where many idle sessions are held.
 */
export class DeflateChannel extends EventEmitter<{ data: [Buffer]; error: [Error] }> {
  private readonly inflater: zlib.InflateRaw;
  private readonly deflater: zlib.DeflateRaw;
  private flushScheduled = false;

  constructor(
    private readonly socket: Duplex,
    options: CompressionOptions = {},
  ) {
    super();
    this.inflater = zlib.createInflateRaw();
    this.deflater = zlib.createDeflateRaw({
      level: options.level ?? 1,
      memLevel: options.memLevel ?? 8,
      windowBits: options.windowBits ?? 15,
    });
    this.inflater.on('data', (chunk: Buffer) => this.emit('data', chunk));
    this.inflater.on('error', (error) => this.emit('error', error));
    this.deflater.on('error', (error) => this.emit('error', error));
    socket.pipe(this.inflater);
    this.deflater.pipe(socket, { end: true });
  }

  /** Compresses response bytes; they are flushed at the end of this tick. Returns false under backpressure. */
  write(chunk: Buffer): boolean {
    const ok = this.deflater.write(chunk);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
    return ok;
  }

  /** Sends everything written so far (Z_SYNC_FLUSH: the client can decode it all now). */
  flush(callback?: () => void): void {
    this.flushScheduled = false;
    this.deflater.flush(zlib.constants.Z_SYNC_FLUSH, () => callback?.());
  }

  /** Waits until the compressor can take more (after `write` returned false). */
  onDrain(callback: () => void): void {
    this.deflater.once('drain', callback);
  }

  /** Flushes and ends the compressed stream (then the socket). */
  end(): void {
    this.socket.unpipe(this.inflater);
    this.deflater.end();
  }

  /** Frees zlib's memory at once (the connection is gone). */
  destroy(): void {
    this.socket.unpipe(this.inflater);
    this.inflater.destroy();
    this.deflater.destroy();
  }
}
