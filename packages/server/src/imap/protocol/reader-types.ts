import type { ImapProtocolError } from './errors.js';
import type { LiteralPolicy, LiteralRequest } from './literal-policy.js';
import type { RawCommand } from './tokens.js';

/** Bounds and hooks of a `CommandReader`; every field has a default. */
export interface CommandReaderOptions {
  /** Longest line segment (text between literals), line end excluded. Default 64 KiB. */
  readonly maxLineBytes?: number;
  /** Most bytes of one command held in memory: its lines plus buffered literals. Default 1 MiB. */
  readonly maxCommandBytes?: number;
  /**
   * Largest non-synchronizing literal: Infinity under LITERAL+, 4096 under
   * LITERAL- (RFC 7888 §5). Default Infinity (the policy still applies).
   */
  readonly maxNonSyncLiteral?: number;
  /**
   * A refused non-synchronizing literal is read and dropped (RFC 7888 §4,
   * choice 1) up to this size; a larger one is a fatal error (choice 2: the
   * session says BYE and closes). Default 64 MiB.
   */
  readonly maxDiscardBytes?: number;
  /** Deepest nesting of lists and sections. Default 32. */
  readonly maxDepth?: number;
  /** Most tokens in one command. Default 10,000. */
  readonly maxTokens?: number;
  /** Decides about each announced literal. Default: buffer up to 64 KiB, refuse larger ones. */
  readonly literalPolicy?: LiteralPolicy;
}

/** What `CommandReader.next` hands the session. */
export type ReaderEvent =
  /** A complete command. */
  | { readonly kind: 'command'; readonly command: RawCommand }
  /** A synchronizing literal was accepted: send a continuation request (`+ ...`) now. */
  | { readonly kind: 'continue'; readonly request: LiteralRequest }
  /**
   * A command was refused: answer `<tag> <status> [code] text` (untagged when
   * `tag` is null). `fatal`: say `* BYE` and close; the reader reads no more.
   */
  | {
      readonly kind: 'error';
      readonly tag: string | null;
      readonly error: ImapProtocolError;
      readonly fatal: boolean;
    }
  /** The line asked for with `CommandReader.expectLine` (line end removed). */
  | { readonly kind: 'line'; readonly line: Buffer }
  /**
   * IDLE ended (see `CommandReader.startIdle`): `done` when the client
   * sent DONE; false when it sent something else, which is then read as a
   * command (iOS Mail sends a new command without DONE).
   */
  | { readonly kind: 'idle-end'; readonly done: boolean };
