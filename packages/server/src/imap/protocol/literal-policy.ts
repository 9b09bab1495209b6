import { type ImapProtocolError, tooBigError } from './errors.js';
import type { LiteralSink } from './tokens.js';

/** A literal the client announced, as the reader asks the session about it. */
export interface LiteralRequest {
  readonly tag: string;
  /** The command name (upper case, without UID). */
  readonly name: string;
  readonly uid: boolean;
  readonly size: number;
  /** True for `{n}`: the reader will ask the session to send `+` once it is accepted. */
  readonly sync: boolean;
  /** True for a literal8 (`~{n}`). */
  readonly binary: boolean;
  /** Index of the top-level argument this literal is or lies in (APPEND: 0 = mailbox, ≥ 1 = message data). */
  readonly argumentIndex: number;
  /** Nesting depth (0 = a top-level argument; 1 for `UTF8 (~{n}` in APPEND, RFC 6855 §4). */
  readonly depth: number;
}

/** What to do with an announced literal: keep it in memory, stream it to a sink, or refuse the command. */
export type LiteralDecision =
  | { readonly action: 'buffer' }
  | { readonly action: 'stream'; readonly sink: LiteralSink }
  | { readonly action: 'reject'; readonly error: ImapProtocolError };

/** Decides, synchronously, about each literal a client announces. */
export type LiteralPolicy = (request: LiteralRequest) => LiteralDecision;

/** Settings of {@link createLiteralPolicy}. */
export interface LiteralPolicyOptions {
  /** Largest literal of any command but an APPEND message (mailbox names, search strings, passwords). */
  readonly maxLiteralBytes: number;
  /** Largest APPEND message (APPENDLIMIT, RFC 7889); Infinity for none. */
  readonly appendLimit: number;
  /**
   * Opens a sink for an APPEND message; without it, messages are buffered
   * in memory (count them in the reader's `maxCommandBytes`).
   */
  readonly openAppendSink?: (request: LiteralRequest) => LiteralSink;
}

/**
 * The usual policy: APPEND message data up to APPENDLIMIT, streamed when a
 * sink is given; every other literal small. An APPEND over the limit gets
 * `NO [TOOBIG]` (RFC 7889 §4, RFC 4469 §4); any other literal over its
 * limit `BAD [TOOBIG]`. For a synchronizing literal the answer goes out
 * before the client sends a byte of it.
 */
export function createLiteralPolicy(options: LiteralPolicyOptions): LiteralPolicy {
  return (request) => {
    if (request.name === 'APPEND' && request.argumentIndex >= 1) {
      if (request.size > options.appendLimit) {
        const text = `Message too big: ${request.size} octets; the limit (APPENDLIMIT) is ${options.appendLimit}`;
        return { action: 'reject', error: tooBigError(text, 'NO') };
      }
      return options.openAppendSink
        ? { action: 'stream', sink: options.openAppendSink(request) }
        : { action: 'buffer' };
    }
    if (request.size > options.maxLiteralBytes) {
      const text = `Literal too big for ${request.name}: ${request.size} octets, at most ${options.maxLiteralBytes}`;
      return { action: 'reject', error: tooBigError(text) };
    }
    return { action: 'buffer' };
  };
}
