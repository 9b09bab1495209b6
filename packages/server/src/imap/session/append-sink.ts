import { PassThrough } from 'node:stream';
import type { AppendTarget } from '../../mail/index.js';
import type { Placed } from '../../store/index.js';
import {
  createLiteralPolicy,
  ImapProtocolError,
  type LiteralPolicy,
  type LiteralSink,
} from '../protocol/index.js';
import type { ImapSession } from './session.js';

/**
 * Where one APPEND message literal goes as it arrives: straight into
 * `MailService.append` (ingest, size limit, index) through a stream, so a
 * 100 MB message is never held in memory. The command's mailbox, flags and
 * date are known only once the whole command is read, after the literal:
 * the APPEND handler then {@link settle}s the target and awaits
 * {@link result}. Backpressure: the socket pauses while the store is behind.
 */
export class AppendSink implements LiteralSink {
  readonly result: Promise<Placed>;
  private readonly stream = new PassThrough({ highWaterMark: 256 * 1024 });
  private resolveTarget!: (target: AppendTarget) => void;
  private rejectTarget!: (error: Error) => void;
  private settled = false;

  /** `verbatim`: a literal8 message (binary content, RFC 3516 §4.4) is stored exactly as sent. */
  constructor(
    private readonly session: ImapSession,
    userId: string,
    verbatim = false,
  ) {
    const target = new Promise<AppendTarget>((resolve, reject) => {
      this.resolveTarget = resolve;
      this.rejectTarget = reject;
    });
    // The store asks for the target only once the message is in; when the literal was refused or
    // the stream failed first it never asks, and the refusal must not become an unhandled rejection
    // (which ends a Node process).
    target.catch(() => undefined);
    this.result = session.mail.append({ userId, stream: this.stream, verbatim, target: () => target });
    this.result.catch(() => undefined); // awaited by the handler; refused commands never look
  }

  write(chunk: Buffer): void {
    if (this.stream.write(chunk)) return;
    this.session.conn.pause();
    this.stream.once('drain', () => this.session.conn.resume());
  }

  end(): void {
    this.stream.end();
  }

  abort(reason: string): void {
    this.settle(new ImapProtocolError(`APPEND abandoned: ${reason}`));
    this.stream.destroy(new Error(reason));
  }

  /** Gives the message its mailbox, flags and date, or refuses it with `error`. */
  settle(target: AppendTarget | Error): void {
    if (this.settled) return;
    this.settled = true;
    if (target instanceof Error) this.rejectTarget(target);
    else this.resolveTarget(target);
  }
}

/**
 * The session's literal policy: APPEND message literals up to APPENDLIMIT
 * are streamed into {@link AppendSink}s (only once signed in: a stranger
 * cannot make the server store 100 MB); every other literal is buffered up
 * to 64 KiB. A refused synchronizing literal is answered before the client
 * sends a byte of it (`NO [TOOBIG]` for a message over the limit).
 */
export function createAppendPolicy(session: ImapSession): LiteralPolicy {
  const base = createLiteralPolicy({
    maxLiteralBytes: 64 * 1024,
    appendLimit: session.deps.settings.appendLimit,
    // A literal8 message is binary content; `UTF8 (~{n})` (depth 1) is text and normalized as usual.
    openAppendSink: (request) =>
      new AppendSink(session, session.user?.id ?? '', request.binary && request.depth === 0),
  });
  return (request) => {
    if (request.name === 'APPEND' && request.argumentIndex >= 1 && session.user === null)
      return { action: 'reject', error: new ImapProtocolError('APPEND not allowed now: log in first') };
    return base(request);
  };
}
