import type net from 'node:net';
import type { Logger } from 'pino';
import { RecordDeadline } from '../../limits/index.js';
import type { MailService } from '../../mail/index.js';
import type { MailStore } from '../../store/index.js';
import {
  CommandReader,
  type MailboxEncodeOptions,
  type ReaderEvent,
  type ResponsePart,
  statusLine,
} from '../protocol/index.js';
import { createAppendPolicy } from './append-sink.js';
import { capabilities } from './capability.js';
import { Connection, ConnectionGone } from './connection.js';
import type { ImapDeps } from './deps.js';
import { runCommand, sendCompletion } from './dispatch.js';
import type { SelectedMailbox } from './selected-mailbox.js';
import type { Completion, EnabledExtension, SessionContext, SessionState, SessionUser } from './types.js';
import { announceUpdates } from './updates.js';

/** Unread input past this pauses the socket (a client pipelining faster than we answer). */
const MAX_BUFFERED = 1024 * 1024;
/** Malformed commands a session may send before it is closed (not an IMAP client). */
const MAX_BAD_COMMANDS = 50;
/** Bytes per second a command line or literal must arrive at once begun (each byte buys 2 ms). */
const MIN_INPUT_RATE = 500;

/** Why the listener ends a session. */
export type Expiry = 'too-slow' | 'login-timeout' | 'idle';

/** An IDLE in progress (RFC 2177). */
export interface IdleState {
  readonly tag: string;
  readonly since: number;
  lastKeepalive: number;
}

/** A SASL exchange waiting for the client's next line. */
export type SaslStep = (line: Buffer | 'cancel' | null) => Promise<void>;

export interface ImapSessionOptions {
  /** IMAPS: TLS from the first byte (RFC 8314). */
  implicitTls: boolean;
  log: Logger;
}

/**
 * One IMAP connection (RFC 9051): reads commands with the protocol layer's
 * reader (pipelined ones run in order), runs each through the command
 * registry in the state that allows it, and writes the answers, with the
 * untagged updates of the selected mailbox where RFC 9051 §7.5 allows them.
 * The commands themselves live one family per file beside this one.
 */
export class ImapSession implements SessionContext {
  state: SessionState = 'not-authenticated';
  user: SessionUser | null = null;
  selected: SelectedMailbox | null = null;
  readonly enabled = new Set<EnabledExtension>();
  readonly conn: Connection;
  readonly reader: CommandReader;
  readonly ip: string;
  readonly log: Logger;
  idle: IdleState | null = null;
  sasl: SaslStep | null = null;
  /** Name and version the client gave with ID (RFC 2971), for the logs. */
  clientName: string | null = null;
  private badCommands = 0;
  private running = false;
  private again = false;
  private pausedByUs = false;
  private busy = false;
  private bytesIn = 0;
  private bytesSeen = 0;
  private lastCheck = Date.now();
  lastActivity = Date.now();
  private readonly opened = Date.now();
  private readonly record: RecordDeadline;
  private stopWatching: (() => void) | null = null;

  constructor(
    socket: net.Socket,
    readonly deps: ImapDeps,
    private readonly options: ImapSessionOptions,
  ) {
    this.ip = socket.remoteAddress ?? '';
    this.log = options.log;
    this.conn = new Connection(socket, this.onData);
    this.reader = new CommandReader({
      maxNonSyncLiteral: Number.POSITIVE_INFINITY,
      literalPolicy: createAppendPolicy(this),
    });
    this.record = new RecordDeadline({
      timeoutMs: deps.settings.commandTimeoutMs,
      minBytesPerSecond: MIN_INPUT_RATE,
    });
    this.conn.onClose(() => {
      this.state = 'logout';
      this.reader.close();
      this.stopWatching?.();
      this.selected = null;
    });
  }

  // ── SessionContext ──────────────────────────────────────────────────
  get store(): MailStore {
    return this.deps.store;
  }
  get mail(): MailService {
    return this.deps.mail;
  }
  get appendLimit(): number {
    return this.deps.settings.appendLimit;
  }
  get rev2(): boolean {
    return this.enabled.has('IMAP4rev2');
  }
  /** Mailbox names in UTF-8 on the wire: after ENABLE UTF8=ACCEPT or IMAP4rev2 (RFC 9051 Appendix A.1). */
  get utf8Names(): boolean {
    return this.enabled.has('UTF8=ACCEPT') || this.rev2;
  }
  get encoding(): MailboxEncodeOptions {
    const utf8Names = this.utf8Names;
    return { utf8: utf8Names, utf8Names };
  }
  get closed(): boolean {
    return this.conn.closed;
  }
  send(data: Buffer): void {
    this.conn.send(data);
  }
  writeParts(parts: readonly ResponsePart[]): Promise<void> {
    return this.conn.writeParts(parts);
  }
  /**
   * Turns CONDSTORE on (RFC 7162 §3.1: a CONDSTORE enabling command). When
   * that happens with a mailbox selected, the client learns its
   * HIGHESTMODSEQ at once in an untagged OK (RFC 7162 §3.1.2.1), as Dovecot
   * sends it: a rev1 client that SELECTed without CONDSTORE needs it.
   */
  enableCondstore(): void {
    if (this.enabled.has('CONDSTORE')) return;
    this.enabled.add('CONDSTORE');
    const view = this.selected;
    if (view)
      this.send(
        statusLine('*', 'OK', 'Highest', { name: 'HIGHESTMODSEQ', args: [String(view.highestModseq)] }),
      );
  }

  /** Whether the connection is protected by TLS. */
  get secure(): boolean {
    return this.conn.secure;
  }

  /** RFC 9051 §6.2.3 LOGINDISABLED: no password over cleartext unless the client's address is allowed. */
  get mayLogin(): boolean {
    return this.conn.secure || this.deps.settings.plaintextAuthFrom.has(this.ip);
  }

  /** Greets the client (after the TLS handshake on IMAPS), or refuses it with `refusal` (a BYE text) and closes. */
  async start(refusal?: string): Promise<void> {
    try {
      if (this.options.implicitTls) await this.conn.startTls(this.deps.secureContext);
      if (refusal) return this.bye(refusal);
      const greeting = `${this.deps.settings.hostname} IMAP4rev2 server ready`;
      this.send(statusLine('*', 'OK', greeting, { name: 'CAPABILITY', args: capabilities(this) }));
      await this.conn.flush();
    } catch {
      this.conn.destroy();
    }
  }

  /** Starts receiving the user's mailbox changes (after LOGIN/AUTHENTICATE). */
  watchChanges(userId: string): void {
    this.stopWatching?.();
    this.stopWatching = this.deps.changes.watch(userId, (mailboxId, modseq) =>
      this.onChange(mailboxId, modseq),
    );
  }

  private onChange(mailboxId: string, modseq: number): void {
    const view = this.selected;
    if (!view || view.mailboxId !== mailboxId) return;
    if (modseq !== 0 && modseq <= view.highestModseq) return;
    view.dirty = true;
    if (this.idle && !this.running) void this.pushUpdates();
  }

  /** During IDLE: syncs the view and sends what changed at once (RFC 2177). */
  private async pushUpdates(): Promise<void> {
    this.running = true;
    this.again = false;
    try {
      await announceUpdates(this, true);
      await this.conn.flush();
    } catch (e) {
      this.fail(e);
    } finally {
      this.running = false;
    }
    void this.pump();
  }

  /** Says `* BYE text` and closes (LOGOUT, timeouts, revocation, shutdown). */
  bye(text: string): void {
    if (this.state === 'logout' && this.conn.closed) return;
    this.state = 'logout';
    this.idle = null;
    this.conn.end(statusLine('*', 'BYE', text));
  }

  /**
   * Ends the session from outside (revoked, server stopping). Between
   * commands or in IDLE the client is told at once; during a command, once
   * it ends (a FETCH of a large body is not cut in the middle).
   */
  interrupt(text: string): void {
    if (this.state === 'logout') return;
    if (!this.busy) this.bye(text);
    else this.pendingBye = text;
  }
  private pendingBye: string | null = null;

  /** Advances the deadlines to `now` (the listener calls this about once a second); says why to end, if so. */
  check(now: number): Expiry | undefined {
    if (this.state === 'logout') return undefined;
    const bytes = this.bytesIn - this.bytesSeen;
    this.bytesSeen = this.bytesIn;
    const elapsed = now - this.lastCheck;
    this.lastCheck = now;
    // The client owes input: a TLS handshake, or a command it has begun (a partial line or literal).
    const begun = !this.reader.betweenCommands || this.reader.bufferedBytes > 0;
    const owes = this.conn.handshaking || (!this.busy && !this.idle && begun);
    if (!this.record.advance(elapsed, bytes, owes)) return 'too-slow';
    const { settings } = this.deps;
    if (this.state === 'not-authenticated' && now - this.opened > settings.loginTimeoutMs)
      return 'login-timeout';
    const idle = this.idle;
    if (idle) {
      if (now - idle.since > settings.idleTimeoutMs) return 'idle';
      if (now - idle.lastKeepalive >= settings.keepaliveMs && !this.running) {
        idle.lastKeepalive = now;
        this.send(statusLine('*', 'OK', 'Still here'));
        void this.conn.flush().catch(() => undefined);
      }
      return undefined;
    }
    const waiting = !this.busy || this.conn.waitingForClient;
    if (waiting && now - this.lastActivity > settings.idleTimeoutMs) return 'idle';
    return undefined;
  }

  private readonly onData = (chunk: Buffer): void => {
    this.bytesIn += chunk.length;
    this.reader.push(chunk);
    if (this.reader.bufferedBytes > MAX_BUFFERED && !this.pausedByUs) {
      this.pausedByUs = true;
      this.conn.pause();
    }
    void this.pump();
  };

  /** Runs what the reader has, one event at a time; only one pump runs at once. */
  async pump(): Promise<void> {
    if (this.running) {
      this.again = true; // input came while running: look again when done
      return;
    }
    this.running = true;
    this.again = false;
    try {
      for (;;) {
        if (this.state === 'logout') break;
        const event = this.reader.next();
        if (!event) break;
        if (this.pausedByUs && this.reader.bufferedBytes < MAX_BUFFERED / 2) {
          this.pausedByUs = false;
          this.conn.resume();
        }
        this.busy = true;
        this.lastActivity = Date.now();
        await this.handle(event);
        this.busy = false;
        this.lastActivity = Date.now();
        if (this.pendingBye) return this.bye(this.pendingBye);
        if (this.reader.bufferedBytes === 0) await this.conn.flush();
      }
      await this.conn.flush();
    } catch (e) {
      this.fail(e);
    } finally {
      this.running = false;
      this.busy = false;
    }
    if (this.state === 'logout') return;
    if (this.again) void this.pump();
    else if (this.idle && this.selected?.dirty) void this.pushUpdates();
  }

  private fail(e: unknown): void {
    if (!(e instanceof ConnectionGone)) {
      this.log.error({ err: e }, 'imap session failed');
      this.bye('Internal server error, closing connection');
    } else this.conn.destroy();
  }

  private async handle(event: ReaderEvent): Promise<void> {
    switch (event.kind) {
      case 'continue':
        this.send(Buffer.from('+ Ready for literal data\r\n'));
        return this.conn.flush();
      case 'error':
        if (event.fatal) return this.bye(event.error.message);
        return this.refuse(sendErrorLine(this, event.tag, event.error));
      case 'command':
        return runCommand(this, event.command);
      case 'line': {
        const step = this.sasl;
        this.sasl = null;
        if (step) return step(event.line);
        return;
      }
      case 'idle-end':
        return this.endIdle();
    }
  }

  /** Counts a refused command; too many end the session. */
  refuse(counted = true): void {
    if (counted && ++this.badCommands >= MAX_BAD_COMMANDS) this.bye('Too many invalid commands');
  }

  /** IDLE ended by DONE, or by a command sent without DONE (iOS): the IDLE's tagged OK goes first. */
  private async endIdle(): Promise<void> {
    const idle = this.idle;
    this.idle = null;
    if (!idle) return;
    await sendCompletion(this, idle.tag, { status: 'OK', text: 'IDLE terminated' }, 'always', false);
  }

  /** Writes a command's completion (used by commands that finish later: AUTHENTICATE). */
  complete(tag: string, completion: Completion): Promise<void> {
    return sendCompletion(this, tag, completion, 'always', false);
  }
}

function sendErrorLine(
  session: ImapSession,
  tag: string | null,
  error: { status: 'BAD' | 'NO'; message: string; code?: { name: string; args?: readonly string[] } },
): boolean {
  session.send(
    statusLine(tag ?? '*', error.status, error.message, error.code, { utf8: session.encoding.utf8 }),
  );
  return error.status === 'BAD';
}
