/**
 * The token tree of a command's arguments, as the command reader hands it
 * over: lexical items only. What an item *means* (a sequence set, NIL, a
 * mailbox name, a flag) depends on the command, so the grammars decide:
 * `NIL` is an atom here because it is also a valid astring (a mailbox may be
 * called "NIL"), and `1:*` is an atom because it is also a valid astring.
 */

/**
 * A run of non-special characters: a keyword, number, flag (`\Seen`),
 * sequence set (`1:*`), pattern (`INBOX/%`), or unquoted astring. A fetch
 * attribute with a section keeps it apart: `BODY.PEEK[HEADER.FIELDS (To)]<0.512>`
 * is `{ value: 'BODY.PEEK', section: [HEADER.FIELDS, (To)], partial: '0.512' }`.
 */
export interface AtomToken {
  readonly kind: 'atom';
  readonly value: string;
  /** The tokens between `[` and `]` after BODY, BODY.PEEK, BINARY, BINARY.PEEK or BINARY.SIZE. */
  section?: Token[];
  /** The text between `<` and `>` right after a section, unparsed. */
  partial?: string;
}

/** A quoted string, unescaped, as bytes (UTF-8 or the SEARCH charset). */
export interface QuotedToken {
  readonly kind: 'quoted';
  readonly value: Buffer;
}

/**
 * A literal (`{n}`, `{n+}`) or literal8 (`~{n}`, RFC 3516). `value` holds
 * the bytes when the literal was buffered; a literal the session chose to
 * stream went into `sink` instead (`value` is null).
 */
export interface LiteralToken {
  readonly kind: 'literal';
  readonly binary: boolean;
  readonly size: number;
  readonly value: Buffer | null;
  readonly sink: LiteralSink | null;
}

/** A parenthesized list. */
export interface ListToken {
  readonly kind: 'list';
  readonly items: Token[];
}

/** One item of a command's arguments. */
export type Token = AtomToken | QuotedToken | LiteralToken | ListToken;

/**
 * Where a streamed literal's bytes go (an APPEND message written to a blob
 * file, say), so that a 100 MB literal is never held in memory. The reader
 * calls `write` with each piece as it arrives, then `end` once all `size`
 * bytes came, or `abort` if the command fails before it is handed over.
 * Once a command is handed over, its sinks belong to the session, which
 * must finish or abort them. A sink applies its own backpressure (pause the
 * socket while its writes are pending).
 */
export interface LiteralSink {
  write(chunk: Buffer): void;
  end(): void;
  abort(reason: string): void;
}

/** A complete command: its tag, its name (upper case, without a leading UID), and its arguments. */
export interface RawCommand {
  readonly tag: string;
  /** The command name in upper case; for `UID FETCH` this is `FETCH` with `uid` set. */
  readonly name: string;
  readonly uid: boolean;
  readonly args: Token[];
  /** Every streamed literal of the command, in order (the session ends or aborts them). */
  readonly sinks: LiteralSink[];
}

/** The text of a string token (quoted or buffered literal), decoded as UTF-8. */
export function tokenText(token: QuotedToken | LiteralToken): string {
  return token.value ? token.value.toString('utf8') : '';
}
