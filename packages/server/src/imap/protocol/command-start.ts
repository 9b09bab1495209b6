import { type ImapProtocolError, syntaxError } from './errors.js';

/** The head of a command line: tag, name, and where the arguments begin. */
export interface CommandStart {
  readonly tag: string;
  /** Upper case; for `UID <command>` the command after UID. */
  readonly name: string;
  readonly uid: boolean;
  /** Offset of the first argument byte (the line's end when there are none). */
  readonly argsStart: number;
}

/** A command head that could not be read, with the tag when it was readable. */
export interface CommandStartFailure {
  readonly tag: string | null;
  readonly error: ImapProtocolError;
}

/**
 * tag = 1*<any ASTRING-CHAR except "+"> (RFC 9051 §9): printable ASCII
 * without SP ( ) { % * " \ and +. `]` is allowed.
 */
const TAG_CHAR = new Uint8Array(256);
/** Command names are atoms (letters, digits, '-', '_', '.' in practice). */
const NAME_CHAR = new Uint8Array(256);
for (let b = 0x21; b < 0x7f; b++) {
  const c = String.fromCharCode(b);
  if (!'(){%*"\\+'.includes(c)) TAG_CHAR[b] = 1;
  if (/[A-Za-z0-9._-]/.test(c)) NAME_CHAR[b] = 1;
}

const SP = 0x20;

/** Reads `tag SP name [SP ...]` (and `UID SP name`) from `line[0, end)`. */
export function readCommandStart(line: Buffer, end: number): CommandStart | CommandStartFailure {
  let i = 0;
  while (i < end && TAG_CHAR[line[i] as number]) i++;
  if (i === 0 || (i < end && line[i] !== SP)) {
    return {
      tag: null,
      error: syntaxError('A command must start with a tag (letters and digits) and a space'),
    };
  }
  const tag = line.toString('latin1', 0, i);
  const first = readName(line, i + 1, end);
  if (!first) return { tag, error: syntaxError('Missing or invalid command name after the tag') };
  if (first.name !== 'UID') return { tag, name: first.name, uid: false, argsStart: first.next };
  const second = readName(line, first.next, end);
  if (!second)
    return { tag, error: syntaxError('UID must be followed by a command (FETCH, SEARCH, STORE …)') };
  return { tag, name: second.name, uid: true, argsStart: second.next };
}

function readName(line: Buffer, start: number, end: number): { name: string; next: number } | null {
  let i = start;
  while (i < end && NAME_CHAR[line[i] as number]) i++;
  if (i === start || (i < end && line[i] !== SP)) return null;
  return { name: line.toString('latin1', start, i).toUpperCase(), next: Math.min(i + 1, end) };
}

/** True for a failed {@link readCommandStart}. */
export function isStartFailure(start: CommandStart | CommandStartFailure): start is CommandStartFailure {
  return 'error' in start;
}

/** The tag at the start of `line[0, end)`, if one is there (for errors before a command could be read). */
export function readTag(line: Buffer, end: number): string | null {
  let i = 0;
  while (i < end && TAG_CHAR[line[i] as number]) i++;
  return i > 0 && i < end && line[i] === SP ? line.toString('latin1', 0, i) : null;
}
