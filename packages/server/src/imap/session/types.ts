import type { Logger } from 'pino';
import type { MailService } from '../../mail/index.js';
import type { MailStore } from '../../store/index.js';
import type { ImapCommand, MailboxEncodeOptions, ResponseCode, ResponsePart } from '../protocol/index.js';
import type { SelectedMailbox } from './selected-mailbox.js';

/** RFC 9051 §3: the connection's states; `logout` once the connection is going away. */
export type SessionState = 'not-authenticated' | 'authenticated' | 'selected' | 'logout';

/** The signed-in user. */
export interface SessionUser {
  readonly id: string;
  /** The canonical address (the name MailService takes). */
  readonly address: string;
}

/** Extensions a client turned on with ENABLE (RFC 5161) or implicitly (CONDSTORE by a CONDSTORE command). */
export type EnabledExtension = 'CONDSTORE' | 'QRESYNC' | 'UTF8=ACCEPT' | 'IMAP4rev2';

/**
 * How a command ends: the tagged status response. Handlers return one (or
 * throw an `AppError`/`ImapProtocolError`, which the session translates);
 * the session first writes the pending untagged updates that RFC 9051 §7.5
 * allows for the command, then this line.
 */
export interface Completion {
  readonly status: 'OK' | 'NO' | 'BAD';
  readonly text: string;
  readonly code?: ResponseCode;
}

/** A tagged OK. */
export function ok(text: string, code?: ResponseCode): Completion {
  return { status: 'OK', text, code };
}

/** A tagged NO: the command was valid but failed. */
export function no(text: string, code?: ResponseCode): Completion {
  return { status: 'NO', text, code };
}

/** A tagged BAD: the command was invalid here. */
export function bad(text: string, code?: ResponseCode): Completion {
  return { status: 'BAD', text, code };
}

/**
 * What a command handler works with: the session's dependencies, its user
 * and selected mailbox, and its output. One per session; handlers must not
 * keep it beyond the command (the session may be gone).
 */
export interface SessionContext {
  readonly store: MailStore;
  readonly mail: MailService;
  /** The signed-in user; null before authentication (only commands allowed then see null). */
  readonly user: SessionUser | null;
  /** The selected mailbox's view; null unless the state is `selected`. */
  readonly selected: SelectedMailbox | null;
  /** Extensions turned on in this session. */
  readonly enabled: ReadonlySet<EnabledExtension>;
  /** How strings and mailbox names are written now (UTF-8 after ENABLE IMAP4rev2 or UTF8=ACCEPT). */
  readonly encoding: MailboxEncodeOptions;
  /** True when the client enabled IMAP4rev2 (RFC 9051 §6.3.1): rev2 semantics where they differ. */
  readonly rev2: boolean;
  readonly log: Logger;
  /** Largest APPEND message (APPENDLIMIT, `smtp.maxMessageSize`). */
  readonly appendLimit: number;
  /**
   * Queues one complete response (or several) to the client. Buffers only;
   * written when the command ends or the output grows large. Use
   * {@link writeParts} for responses holding streamed literals.
   */
  send(data: Buffer): void;
  /**
   * Writes a response whose parts may include streamed literals (a body
   * from `store.blobs.read`): buffers are queued, each stream is piped with
   * backpressure and must yield exactly its announced size (else the
   * connection is cut: the client could not resynchronize). Resolves once
   * everything is handed to the socket.
   */
  writeParts(parts: readonly ResponsePart[]): Promise<void>;
  /** True once the client is gone: long loops (a FETCH of 1:*) stop early. */
  readonly closed: boolean;
  /**
   * Turns CONDSTORE on for the rest of the session (RFC 7162 §3.1: a
   * command with a CONDSTORE parameter, such as FETCH (CHANGEDSINCE) or
   * the MODSEQ fetch item, enables it implicitly).
   */
  enableCondstore(): void;
}

/** What a handler receives with its command. */
export interface CommandInput<C extends ImapCommand = ImapCommand> {
  readonly tag: string;
  readonly command: C;
}

/** A command's implementation. */
export type CommandHandler<C extends ImapCommand = ImapCommand> = (
  context: SessionContext,
  input: CommandInput<C>,
) => Promise<Completion> | Completion;
