import { ArgumentLexer } from './argument-lexer.js';
import { ByteQueue } from './byte-queue.js';
import { isStartFailure, readCommandStart, readTag } from './command-start.js';
import { ImapProtocolError, syntaxError, tooBigError } from './errors.js';
import { findLiteralHeader, type LiteralHeader } from './literal-header.js';
import { createLiteralPolicy, type LiteralPolicy, type LiteralRequest } from './literal-policy.js';
import type { CommandReaderOptions, ReaderEvent } from './reader-types.js';
import type { LiteralSink } from './tokens.js';

interface PendingCommand {
  readonly tag: string;
  readonly name: string;
  readonly uid: boolean;
  readonly lexer: ArgumentLexer;
  readonly sinks: LiteralSink[];
  bytes: number;
}

interface PendingLiteral {
  readonly header: LiteralHeader;
  readonly sink: LiteralSink | null;
  readonly pieces: Buffer[];
  remaining: number;
}

type Mode = 'line' | 'literal' | 'discard-line' | 'discard-literal' | 'closed';

/** `step` results that are not events. */
const WAIT = Symbol('wait');
const AGAIN = Symbol('again');
type Step = ReaderEvent | typeof WAIT | typeof AGAIN;

const CR = 0x0d;
/** How many bytes of a dropped line are kept to spot a literal header at its end. */
const TAIL_BYTES = 32;

/**
 * The streaming command reader: `push` the bytes a client sends (chunks of
 * any size, split anywhere), then call `next` until it returns null; each
 * call returns one event. It is a pull parser: while the session handles a
 * command, later bytes wait in the queue, so the session can switch the
 * reader into line mode (AUTHENTICATE) or IDLE before they are read. Pause
 * the socket while `bufferedBytes` is high. It never throws on input: every
 * malformed or oversized command becomes an `error` event, and the reader
 * resynchronizes at the next command (skipping the rest of the bad one,
 * literals included).
 */
export class CommandReader {
  private readonly queue = new ByteQueue();
  private readonly maxLineBytes: number;
  private readonly maxCommandBytes: number;
  private readonly maxNonSyncLiteral: number;
  private readonly maxDiscardBytes: number;
  private readonly maxDepth: number;
  private readonly maxTokens: number;
  private readonly policy: LiteralPolicy;
  private mode: Mode = 'line';
  private waitingFor: 'command' | 'line' | 'idle' = 'command';
  private pending: PendingCommand | null = null;
  private literal: PendingLiteral | null = null;
  private discardLeft = 0;
  private discardTail: Buffer = Buffer.alloc(0);

  constructor(options: CommandReaderOptions = {}) {
    this.maxLineBytes = options.maxLineBytes ?? 64 * 1024;
    this.maxCommandBytes = options.maxCommandBytes ?? 1024 * 1024;
    this.maxNonSyncLiteral = options.maxNonSyncLiteral ?? Number.POSITIVE_INFINITY;
    this.maxDiscardBytes = options.maxDiscardBytes ?? 64 * 1024 * 1024;
    this.maxDepth = options.maxDepth ?? 32;
    this.maxTokens = options.maxTokens ?? 10_000;
    this.policy =
      options.literalPolicy ?? createLiteralPolicy({ maxLiteralBytes: 64 * 1024, appendLimit: 64 * 1024 });
  }

  /** Bytes received but not read yet: pause the socket while this is high. */
  get bufferedBytes(): number {
    return this.queue.length;
  }

  /** True between commands (no command, literal or skipped command half read). */
  get betweenCommands(): boolean {
    return this.mode === 'line' && this.pending === null;
  }

  /**
   * Drops bytes received but not read, and says how many. Call it when the
   * transport changes under the reader: after STARTTLS's OK, plaintext sent
   * before the handshake must not be read as if it came over TLS (the
   * command injection of CVE-2011-0411); after COMPRESS's OK, uncompressed
   * bytes cannot be valid (RFC 4978 §3: the client waits for the OK).
   */
  dropBuffered(): number {
    const dropped = this.queue.length;
    this.queue.clear();
    return dropped;
  }

  /** Queues bytes from the client. */
  push(chunk: Buffer): void {
    if (this.mode !== 'closed') this.queue.push(chunk);
  }

  /** The next event, or null until more bytes arrive. */
  next(): ReaderEvent | null {
    for (;;) {
      const step = this.step();
      if (step === WAIT) return null;
      if (step !== AGAIN) return step;
    }
  }

  /** Reads the next line raw, as a `line` event (AUTHENTICATE responses, RFC 9051 §6.2.2). */
  expectLine(): void {
    this.waitingFor = 'line';
  }

  /** Enters IDLE (RFC 2177): the next line ends it, with an `idle-end` event. */
  startIdle(): void {
    this.waitingFor = 'idle';
  }

  /** Stops reading (the connection closed): aborts the sinks of a half-read command. */
  close(): void {
    this.abortPending('connection closed');
    this.queue.clear();
    this.mode = 'closed';
  }

  private step(): Step {
    switch (this.mode) {
      case 'literal':
        return this.readLiteral();
      case 'discard-literal':
        return this.skipLiteral();
      case 'discard-line':
        return this.discardLine();
      case 'closed':
        return WAIT;
      default:
        return this.readLine();
    }
  }

  private readLine(): Step {
    const limit = this.maxLineBytes + 2;
    const lf = this.queue.indexOfLf(limit);
    if (lf === -1 && this.queue.length < limit) return WAIT;
    if (this.waitingFor === 'idle' && this.pending === null) return this.idleLine(lf);
    if (lf === -1) return this.lineTooLong();
    const raw = this.queue.take(lf + 1);
    const end = lf > 0 && raw[lf - 1] === CR ? lf - 1 : lf;
    if (this.waitingFor === 'line' && this.pending === null) {
      this.waitingFor = 'command';
      return { kind: 'line', line: raw.subarray(0, end) };
    }
    return this.segment(raw, end);
  }

  /** In IDLE, looks at the next line without taking it unless it is DONE or blank. */
  private idleLine(lf: number): Step {
    const end = lf === -1 ? 0 : lf > 0 && this.queue.peek(lf)[lf - 1] === CR ? lf - 1 : lf;
    if (lf !== -1 && end === 0) {
      this.queue.skip(lf + 1);
      return AGAIN;
    }
    this.waitingFor = 'command';
    if (lf !== -1 && /^DONE *$/i.test(this.queue.peek(end).toString('latin1'))) {
      this.queue.skip(lf + 1);
      return { kind: 'idle-end', done: true };
    }
    return { kind: 'idle-end', done: false };
  }

  /** One line of a command: its head (first segment) and arguments up to a literal or the end. */
  private segment(line: Buffer, end: number): Step {
    if (this.pending === null && end === 0) return AGAIN; // stray blank lines are ignored
    const header = findLiteralHeader(line, 0, end);
    const textEnd = header ? header.start : end;
    const nul = line.indexOf(0);
    if (this.pending === null) {
      const start = readCommandStart(line, textEnd);
      if (isStartFailure(start)) return this.fail(start.tag, start.error, header);
      this.pending = {
        tag: start.tag,
        name: start.name,
        uid: start.uid,
        lexer: new ArgumentLexer({ maxDepth: this.maxDepth, maxTokens: this.maxTokens }),
        sinks: [],
        bytes: 0,
      };
      return this.arguments(line, start.argsStart, textEnd, nul !== -1 && nul < end, header);
    }
    return this.arguments(line, 0, textEnd, nul !== -1 && nul < end, header);
  }

  private arguments(
    line: Buffer,
    from: number,
    to: number,
    hasNul: boolean,
    header: LiteralHeader | null,
  ): Step {
    const pending = this.pending as PendingCommand;
    pending.bytes += to;
    if (hasNul) return this.fail(pending.tag, syntaxError('NUL octets are not allowed in commands'), header);
    if (pending.bytes > this.maxCommandBytes) {
      return this.fail(
        pending.tag,
        tooBigError(`Command too long (at most ${this.maxCommandBytes} octets)`),
        header,
      );
    }
    try {
      pending.lexer.lex(line, from, to);
      if (header) return this.acceptLiteral(pending, header);
      const args = pending.lexer.finish();
      this.pending = null;
      const { tag, name, uid, sinks } = pending;
      return { kind: 'command', command: { tag, name, uid, args, sinks } };
    } catch (error) {
      return this.fail(pending.tag, asProtocolError(error), header);
    }
  }

  /** Asks the policy about an announced literal and starts reading it (or refuses the command). */
  private acceptLiteral(pending: PendingCommand, header: LiteralHeader): Step {
    if (!pending.lexer.canTakeLiteral) throw syntaxError('Expected a space before a literal');
    if (header.sizeOverflow) throw tooBigError('Literal size too large');
    if (!header.sync && header.size > this.maxNonSyncLiteral) {
      // RFC 7888 §5: under LITERAL-, a larger literal must be synchronizing; BAD [TOOBIG].
      const text = `Non-synchronizing literals may be at most ${this.maxNonSyncLiteral} octets; use {${header.size}}`;
      throw tooBigError(text);
    }
    const request: LiteralRequest = {
      tag: pending.tag,
      name: pending.name,
      uid: pending.uid,
      size: header.size,
      sync: header.sync,
      binary: header.binary,
      argumentIndex: pending.lexer.argumentCount - (pending.lexer.depth > 0 ? 1 : 0),
      depth: pending.lexer.depth,
    };
    const decision = this.policy(request);
    if (decision.action === 'reject') throw decision.error;
    const sink = decision.action === 'stream' ? decision.sink : null;
    if (sink) pending.sinks.push(sink);
    else {
      pending.bytes += header.size;
      if (pending.bytes > this.maxCommandBytes)
        throw tooBigError(`Command too long (at most ${this.maxCommandBytes} octets)`);
    }
    this.literal = { header, sink, pieces: [], remaining: header.size };
    this.mode = 'literal';
    return header.sync ? { kind: 'continue', request } : AGAIN;
  }

  /** Moves the bytes of an accepted literal to its sink or buffer. */
  private readLiteral(): Step {
    const literal = this.literal as PendingLiteral;
    const pending = this.pending as PendingCommand;
    if (literal.remaining > 0) {
      if (this.queue.length === 0) return WAIT;
      for (const piece of this.queue.takePieces(literal.remaining)) {
        literal.remaining -= piece.length;
        if (!literal.header.binary && piece.indexOf(0) !== -1) {
          // RFC 9051 §4.3: a literal is CHAR8 (no NUL); binary data goes in a literal8.
          this.discardLeft = literal.remaining;
          return this.fail(
            pending.tag,
            syntaxError('NUL octet in a literal; send binary data as a literal8 (~{n})'),
            null,
            'discard-literal',
          );
        }
        if (literal.sink) literal.sink.write(piece);
        else literal.pieces.push(piece);
      }
      if (literal.remaining > 0) return WAIT;
    }
    this.literal = null;
    this.mode = 'line';
    const { header, sink } = literal;
    const value = sink ? null : Buffer.concat(literal.pieces, header.size);
    sink?.end();
    try {
      pending.lexer.addLiteral({ kind: 'literal', binary: header.binary, size: header.size, value, sink });
    } catch (error) {
      return this.fail(pending.tag, asProtocolError(error), null, 'discard-line');
    }
    return AGAIN;
  }

  /** Drops the bytes of a refused non-synchronizing literal, then the rest of its command. */
  private skipLiteral(): Step {
    if (this.discardLeft > 0) {
      if (this.queue.length === 0) return WAIT;
      const n = Math.min(this.discardLeft, this.queue.length);
      this.queue.skip(n);
      this.discardLeft -= n;
      if (this.discardLeft > 0) return WAIT;
    }
    this.mode = 'discard-line';
    this.discardTail = Buffer.alloc(0);
    return AGAIN;
  }

  /** Drops the rest of a refused command's line; a non-synchronizing literal at its end is dropped too. */
  private discardLine(): Step {
    const lf = this.queue.indexOfLf(this.queue.length);
    const pieces = this.queue.takePieces(lf === -1 ? this.queue.length : lf + 1);
    this.discardTail = keepTail(this.discardTail, pieces);
    if (lf === -1) return WAIT;
    const tail = this.discardTail;
    const end = tail.length - (tail.length > 1 && tail[tail.length - 2] === CR ? 2 : 1);
    const header = findLiteralHeader(tail, 0, end);
    this.discardTail = Buffer.alloc(0);
    this.mode = 'line';
    if (!header || header.sync) return AGAIN;
    const fatal = this.dropLiteral(header);
    return fatal ? { kind: 'error', tag: null, error: fatal, fatal: true } : AGAIN;
  }

  /** Answers a line longer than the limit, then drops it. */
  private lineTooLong(): Step {
    const rawLine = this.waitingFor === 'line' && this.pending === null;
    const tag = rawLine ? null : (this.pending?.tag ?? readTag(this.queue.peek(256), 256));
    const text = `Command line too long (at most ${this.maxLineBytes} octets per line)`;
    this.waitingFor = 'command';
    return this.fail(tag, tooBigError(text), null, 'discard-line');
  }

  /**
   * Refuses the current command: aborts its sinks and skips what is left of
   * it. With a literal header at the end of the refused line: a synchronizing
   * literal will not be sent (no `+` went out); a non-synchronizing one is
   * read and dropped, or, if huge, ends the session.
   */
  private fail(
    tag: string | null,
    error: ImapProtocolError,
    header: LiteralHeader | null,
    then: Mode = 'line',
  ): Step {
    this.abortPending(error.message);
    this.literal = null;
    this.mode = then;
    this.discardTail = Buffer.alloc(0);
    const fatal = header && !header.sync ? this.dropLiteral(header) : null;
    return { kind: 'error', tag, error: fatal ?? error, fatal: fatal !== null };
  }

  /** Arranges to skip a refused non-synchronizing literal; returns the fatal error if it is too big to skip. */
  private dropLiteral(header: LiteralHeader): ImapProtocolError | null {
    if (header.size > this.maxDiscardBytes) {
      this.mode = 'closed';
      this.queue.clear();
      return tooBigError(
        `Literal of ${header.sizeOverflow ? 'absurd' : header.size} octets refused; closing`,
      );
    }
    this.discardLeft = header.size;
    this.mode = 'discard-literal';
    return null;
  }

  private abortPending(reason: string): void {
    const pending = this.pending;
    this.pending = null;
    for (const sink of pending?.sinks ?? []) sink.abort(reason);
  }
}

/** The last {@link TAIL_BYTES} bytes of `previous` followed by `pieces`. */
function keepTail(previous: Buffer, pieces: Buffer[]): Buffer {
  const parts: Buffer[] = [];
  let size = 0;
  for (let i = pieces.length - 1; i >= 0 && size < TAIL_BYTES; i--) {
    const piece = pieces[i] as Buffer;
    parts.unshift(piece.subarray(Math.max(0, piece.length - (TAIL_BYTES - size))));
    size += (parts[0] as Buffer).length;
  }
  if (size < TAIL_BYTES) parts.unshift(previous.subarray(Math.max(0, previous.length - (TAIL_BYTES - size))));
  return Buffer.concat(parts);
}

function asProtocolError(error: unknown): ImapProtocolError {
  if (error instanceof ImapProtocolError) return error;
  throw error;
}

export type { CommandReaderOptions, ReaderEvent } from './reader-types.js';
