/** An atom written as is: a flag, keyword, number-like token or response name. */
export interface AtomValue {
  readonly atom: string;
}

/** A string sent as a literal whatever its content (`~{n}` literal8 when `binary`). */
export interface LiteralValue {
  readonly literal: Buffer | string;
  readonly binary?: boolean;
}

/**
 * A literal whose bytes the session writes itself (a message body streamed
 * from the store): the encoder writes the `{size}` header and hands `source`
 * back in its place; the session must send exactly `size` bytes.
 */
export interface StreamedValue {
  readonly stream: unknown;
  readonly size: number;
  readonly binary?: boolean;
}

/** Values written back to back with no space between (the children of a multipart BODYSTRUCTURE). */
export interface ConcatValue {
  readonly concat: readonly ResponseValue[];
}

/**
 * A value in a response: `null` is NIL, a number is a number, a string or
 * Buffer is an IMAP string (quoted when it can be, a literal when it must),
 * an array is a parenthesized list.
 */
export type ResponseValue =
  | null
  | number
  | string
  | Buffer
  | AtomValue
  | LiteralValue
  | StreamedValue
  | ConcatValue
  | readonly ResponseValue[];

/** An atom value. */
export function atom(text: string): AtomValue {
  return { atom: text };
}

/** How strings are written for this session. */
export interface EncodeOptions {
  /**
   * UTF-8 may be sent in quoted strings: after ENABLE IMAP4rev2 or
   * UTF8=ACCEPT (RFC 9051 §9 QUOTED-CHAR and Appendix A, RFC 6855 §3).
   * Otherwise 8-bit strings go out as literals.
   */
  readonly utf8: boolean;
}

/** Encoding options of responses that carry mailbox names. */
export interface MailboxEncodeOptions extends EncodeOptions {
  /** Mailbox names go out as UTF-8, not modified UTF-7 (see `ParseContext.utf8Names`). */
  readonly utf8Names: boolean;
}
