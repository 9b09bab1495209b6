import type { Arguments } from './arguments.js';

/** The system flags of RFC 9051 §2.3.2, in their canonical spelling. */
export const SYSTEM_FLAGS = ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft'] as const;

const CANONICAL = new Map<string, string>([...SYSTEM_FLAGS, '\\Recent'].map((f) => [f.toLowerCase(), f]));

/** atom = 1*ATOM-CHAR (RFC 9051 §9): printable ASCII without ( ) { SP % * " \ ]. */
const ATOM = /^[\x21\x23\x24\x26\x27\x2b-\x5b\x5e-\x7a\x7c-\x7e]+$/;

/** Whether `text` is a valid atom (keywords, capability names). */
export function isAtom(text: string): boolean {
  return ATOM.test(text);
}

/**
 * A flag from a command: a system flag (any case, returned canonical),
 * another `\`-flag (flag-extension), or a keyword (`$Junk`, `NonJunk`,
 * kept as sent). `\Recent` only where `allowRecent` (SEARCH); `\*` never.
 * Returns null if `text` is not a flag.
 */
export function normalizeFlag(text: string, options: { allowRecent?: boolean } = {}): string | null {
  if (text.startsWith('\\')) {
    const canonical = CANONICAL.get(text.toLowerCase());
    if (canonical === '\\Recent' && !options.allowRecent) return null;
    if (canonical) return canonical;
    return isAtom(text.slice(1)) ? text : null;
  }
  return isAtom(text) ? text : null;
}

/** Reads one flag atom. */
export function readFlag(args: Arguments): string {
  const text = args.atom('a flag');
  const flag = normalizeFlag(text);
  if (flag === null) throw args.error(`"${text}" is not a valid flag`);
  return flag;
}

/** Reads `(flag *(SP flag))` (may be empty), duplicates dropped. */
export function readFlagList(args: Arguments): string[] {
  const list = args.list('a flag list');
  const flags: string[] = [];
  while (!list.done) flags.push(readFlag(list));
  return [...new Set(flags)];
}
