import { connect, type Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { ClamdAddress } from './clamd-address.js';
import { parseScanReply, type ScanResult } from './clamd-reply.js';

/** A connection to clamd (ClamAV's daemon), one socket per command. */
export interface ClamdClient {
  /**
   * Streams `body` to clamd with `zINSTREAM` and returns its answer. Never
   * throws: every failure (clamd down, timeout, a broken stream) is an
   * `error` result for the caller's policy. The body is read as it comes,
   * never held whole; past `maxStreamBytes` the scan stops with `too-large`
   * and the rest of `body` is drained unscanned, so that a tee feeding other
   * stages is not stalled. `body` is never destroyed.
   */
  scan(body: Readable, signal?: AbortSignal): Promise<ScanResult>;
  /** `zPING`: whether clamd answers `PONG` within the time budget. */
  ping(): Promise<{ ok: true } | { ok: false; reason: string }>;
}

export interface ClamdClientOptions {
  address: ClamdAddress;
  /** At most this many bytes are streamed; keep it at or below clamd's `StreamMaxLength`. */
  maxStreamBytes: number;
  /** Largest INSTREAM chunk. */
  chunkBytes: number;
  /** Time budget of one command, from connect to answer. */
  timeoutMs: number;
}

const connectTo = (a: ClamdAddress): Socket =>
  a.kind === 'unix' ? connect({ path: a.path }) : connect({ host: a.host, port: a.port });

/** The 4-byte big-endian length that precedes each INSTREAM chunk (clamd(8)); 0 ends the stream. */
function lengthPrefix(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n, 0);
  return b;
}

const reasonOf = (e: unknown): string => {
  const err = e as NodeJS.ErrnoException;
  return err?.code ?? (err instanceof Error ? err.message : String(e));
};

/**
 * Runs one command on a fresh socket: `start` writes it once connected; the
 * answer is what clamd sends up to its NUL (or until it closes). Settles
 * once, on the answer, a socket error, the time budget or `signal`.
 */
function command<T>(
  options: ClamdClientOptions,
  onAnswer: (reply: string) => T,
  onFailure: (reason: string) => T,
  start: (socket: Socket, finish: (r: T) => void) => void,
  signal?: AbortSignal,
): Promise<T> {
  return new Promise<T>((resolve) => {
    const socket = connectTo(options.address);
    let reply = '';
    let done = false;
    const finish = (r: T) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(r);
    };
    const onAbort = () => finish(onFailure('scan aborted'));
    const timer = setTimeout(
      () => finish(onFailure(`no answer within ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort);
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      reply += d;
      if (reply.includes('\0') || reply.length > 4096) finish(onAnswer(reply));
    });
    socket.on('end', () => finish(reply ? onAnswer(reply) : onFailure('clamd closed the connection')));
    // clamd may answer (size limit) and close while we still write: its answer wins over EPIPE.
    socket.on('error', (e) => finish(reply ? onAnswer(reply) : onFailure(`clamd: ${reasonOf(e)}`)));
    socket.on('close', () => finish(reply ? onAnswer(reply) : onFailure('clamd closed the connection')));
    socket.once('connect', () => start(socket, finish));
  });
}

/** Builds a clamd client; nothing connects until a command runs. */
export function createClamdClient(options: ClamdClientOptions): ClamdClient {
  const error = (reason: string): ScanResult => ({ status: 'error', reason });

  /** Streams `body` as INSTREAM chunks, pausing it while the socket's buffer is full. */
  function stream(
    body: Readable,
    socket: Socket,
    finish: (r: ScanResult) => void,
    state: { stopped: boolean },
  ) {
    let sent = 0;
    const onData = (chunk: Buffer | string) => {
      if (state.stopped) return;
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      sent += buf.length;
      if (sent > options.maxStreamBytes)
        return finish({ status: 'too-large', limit: options.maxStreamBytes });
      let ok = true;
      for (let at = 0; at < buf.length; at += options.chunkBytes) {
        const part = buf.subarray(at, at + options.chunkBytes);
        socket.write(lengthPrefix(part.length));
        ok = socket.write(part);
      }
      if (!ok) {
        body.pause();
        socket.once('drain', () => state.stopped || body.resume());
      }
    };
    body.on('data', onData);
    body.once('end', () => state.stopped || socket.write(lengthPrefix(0)));
    body.once('error', (e) => finish(error(`reading the message: ${reasonOf(e)}`)));
    socket.write('zINSTREAM\0');
    body.resume();
  }

  return {
    async scan(body, signal) {
      // Until connected, the body waits: nothing is read that could not be sent.
      body.pause();
      const state = { stopped: false };
      const result = await command<ScanResult>(
        options,
        parseScanReply,
        error,
        (socket, finish) => stream(body, socket, finish, state),
        signal,
      );
      // Whatever ended the scan, the rest of the body is drained unscanned (never left paused).
      state.stopped = true;
      if (!body.readableEnded) {
        body.on('data', () => {});
        body.on('error', () => {});
        body.resume();
      }
      return result;
    },
    ping() {
      return command<{ ok: true } | { ok: false; reason: string }>(
        options,
        (reply) =>
          reply.replace(/\0[\s\S]*$/, '').trim() === 'PONG'
            ? { ok: true }
            : { ok: false, reason: `clamd answered ${JSON.stringify(reply.slice(0, 64))}` },
        (reason) => ({ ok: false, reason }),
        (socket) => socket.write('zPING\0'),
      );
    },
  };
}
