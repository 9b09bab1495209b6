import type { ResponseCode } from './response-code.js';

/** How a refused command is answered: BAD for a malformed one, NO for one the server declines. */
export type RefusalStatus = 'BAD' | 'NO';

/**
 * A command (or a part of one) the protocol layer refuses. `text` says what
 * was wrong in words a client author can act on; the session answers
 * `<tag> <status> [<code>] <text>` (RFC 9051 §7.1). The protocol layer
 * imports nothing of ours, so this is its own error type; the session
 * translates it at the edge.
 */
export class ImapProtocolError extends Error {
  readonly status: RefusalStatus;
  readonly code: ResponseCode | undefined;

  constructor(text: string, options: { status?: RefusalStatus; code?: ResponseCode } = {}) {
    super(text);
    this.name = 'ImapProtocolError';
    this.status = options.status ?? 'BAD';
    this.code = options.code;
  }
}

/** A BAD for a command that breaks the grammar. */
export function syntaxError(text: string): ImapProtocolError {
  return new ImapProtocolError(text);
}

/** A BAD [LIMIT] for input past one of the parser's bounds (nesting, token count). */
export function limitError(text: string): ImapProtocolError {
  return new ImapProtocolError(text, { code: { name: 'LIMIT' } });
}

/** A BAD [TOOBIG] for a line or literal larger than allowed (RFC 7888 §5, RFC 4469 §4). */
export function tooBigError(text: string, status: RefusalStatus = 'BAD'): ImapProtocolError {
  return new ImapProtocolError(text, { status, code: { name: 'TOOBIG' } });
}
