import { AppError } from '../shared/index.js';
import { MAILBOX_DELIMITER } from './types.js';

/** Longest mailbox name in UTF-8 bytes, and deepest hierarchy: far above real folder trees. */
export const MAX_MAILBOX_NAME_BYTES = 512;
export const MAX_MAILBOX_DEPTH = 32;

// C0 and C1 controls, DEL, and the LIST wildcards (RFC 9051 §6.3.9: `*` and `%` cannot be in a name that LIST must find).
const FORBIDDEN = /[\p{Cc}*%]/u;

/** With the `u` flag a surrogate pair is one code point: only a lone surrogate matches. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * The stored form of a mailbox name a client gives: Unicode NFC (RFC 6855
 * §3 asks servers to normalize), and `INBOX` in any case is INBOX (RFC 9051
 * §5.1); every other name is case-sensitive. Does not validate.
 */
export function mailboxName(name: string): string {
  const nfc = name.normalize('NFC');
  if (nfc.toUpperCase() === 'INBOX') return 'INBOX';
  // `inbox/x` is a child of INBOX: its first segment is INBOX too.
  const slash = nfc.indexOf(MAILBOX_DELIMITER);
  if (slash === 5 && nfc.slice(0, 5).toUpperCase() === 'INBOX') return `INBOX${nfc.slice(5)}`;
  return nfc;
}

/**
 * Validates a name for creating or renaming to, returning its stored form
 * (`mailboxName`). MAILBOX_NAME_INVALID for: empty; control characters; `*`
 * or `%`; a leading or trailing `/` or an empty segment (`a//b`); a segment
 * `.` or `..`; longer than MAX_MAILBOX_NAME_BYTES or deeper than
 * MAX_MAILBOX_DEPTH; invalid UTF-16 (a lone surrogate). IMAP strips one
 * trailing delimiter of CREATE before calling (RFC 9051 §6.3.4).
 */
export function checkMailboxName(name: string): string {
  const invalid = (why: string) =>
    new AppError('MAILBOX_NAME_INVALID', `mailbox name ${JSON.stringify(name)} ${why}`);
  if (LONE_SURROGATE.test(name)) throw invalid('is not valid Unicode');
  const stored = mailboxName(name);
  if (stored.length === 0) throw invalid('is empty');
  if (FORBIDDEN.test(stored)) throw invalid('has a control character, * or %');
  const segments = stored.split(MAILBOX_DELIMITER);
  if (segments.some((s) => s === '')) throw invalid('has an empty level (a leading, trailing or double /)');
  if (segments.some((s) => s === '.' || s === '..')) throw invalid('has a level . or ..');
  if (segments.length > MAX_MAILBOX_DEPTH) throw invalid(`is deeper than ${MAX_MAILBOX_DEPTH} levels`);
  if (Buffer.byteLength(stored) > MAX_MAILBOX_NAME_BYTES)
    throw invalid(`is longer than ${MAX_MAILBOX_NAME_BYTES} bytes`);
  return stored;
}

/** The names of the parents of `name`, outermost first (`a/b/c` → `a`, `a/b`). */
export function parentNames(name: string): string[] {
  const segments = name.split(MAILBOX_DELIMITER);
  return segments.slice(0, -1).map((_, i) => segments.slice(0, i + 1).join(MAILBOX_DELIMITER));
}

/** Whether `name` is `parent` itself or below it. */
export const isWithin = (name: string, parent: string): boolean =>
  name === parent || name.startsWith(parent + MAILBOX_DELIMITER);
