/** A command line split into its keyword and arguments. */
export interface Command {
  /** The keyword, upper-cased (RFC 1939 §3: keywords are case-insensitive). */
  verb: string;
  /** The arguments, split at runs of spaces. */
  args: string[];
  /** Everything after the keyword and its one space, as sent: PASS takes it whole (RFC 1939 §7). */
  rest: string;
}

/** Why a line is not a command. */
export type CommandError = 'empty' | 'bad-keyword' | 'bad-characters';

/**
 * Keywords are 3 or 4 printable characters (RFC 1939 §3; RFC 2449 §4 keeps
 * the form for extensions). Letters only: nothing else names a command.
 */
const KEYWORD = /^[A-Za-z]{3,4}$/;

/** Control characters (NUL, bare CR, ESC …) have no place in a command line. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;

/**
 * Parses one command line (without its CRLF). Arguments are separated by
 * single spaces in RFC 1939 §3; runs of spaces and tabs are accepted, as
 * clients in the wild send them.
 */
export function parseCommand(line: string): Command | { error: CommandError } {
  if (line.trim() === '') return { error: 'empty' };
  if (CONTROL.test(line)) return { error: 'bad-characters' };
  const space = line.search(/[ \t]/);
  const keyword = space < 0 ? line : line.slice(0, space);
  if (!KEYWORD.test(keyword)) return { error: 'bad-keyword' };
  const rest = space < 0 ? '' : line.slice(space + 1);
  const args = rest.split(/[ \t]+/).filter((a) => a !== '');
  return { verb: keyword.toUpperCase(), args, rest };
}

/**
 * A message number (RFC 1939 §3 "msg"): a decimal without sign or leading
 * zero, at most 9 digits. Anything else is null, so `LIST 1e3`, `LIST -1`
 * and `LIST 0x10` are not message numbers.
 */
export function parseMessageNumber(arg: string | undefined): number | null {
  if (arg === undefined || !/^[1-9][0-9]{0,8}$/.test(arg)) return null;
  return Number(arg);
}

/** A line count for TOP (RFC 1939 §7: non-negative), at most 9 digits; else null. */
export function parseLineCount(arg: string | undefined): number | null {
  if (arg === undefined || !/^[0-9]{1,9}$/.test(arg)) return null;
  return Number(arg);
}
