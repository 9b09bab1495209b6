import { AppError } from '../shared/index.js';
import { FLAG, type FlagBits } from './view-types.js';

/** System flag names as IMAP spells them, by bit. */
export const SYSTEM_FLAGS: ReadonlyArray<readonly [string, FlagBits]> = [
  ['\\Seen', FLAG.seen],
  ['\\Answered', FLAG.answered],
  ['\\Flagged', FLAG.flagged],
  ['\\Deleted', FLAG.deleted],
  ['\\Draft', FLAG.draft],
];

const BY_NAME = new Map(SYSTEM_FLAGS.map(([name, bit]) => [name.toLowerCase(), bit]));

/** Keywords registered with IANA (RFC 5788 registry) in their usual spelling, so `$junk` is stored as `$Junk`. */
const WELL_KNOWN = ['$Junk', '$NotJunk', '$Forwarded', '$MDNSent', '$Phishing', '$Important', '$Submitted'];
const CANONICAL = new Map(WELL_KNOWN.map((k) => [k.toLowerCase(), k]));

/** Longest keyword and most keywords per message: far above what clients use, small enough for a row. */
export const MAX_KEYWORD_LENGTH = 100;
export const MAX_KEYWORDS = 64;

// RFC 9051 §9: flag-keyword = atom; atom-specials are ( ) { SP CTL % * " \ ] and, for a flag, none may start with `\`.
const KEYWORD_RE = /^[^\s(){%*"\\\]\p{Cc}]+$/u;

/** Whether `keyword` is a valid IMAP keyword (an atom, not a system flag). */
export const validKeyword = (keyword: string): boolean =>
  keyword.length > 0 && keyword.length <= MAX_KEYWORD_LENGTH && KEYWORD_RE.test(keyword);

/** The stored spelling of a keyword: the registered one for well-known keywords, else as given. */
export const canonicalKeyword = (keyword: string): string => CANONICAL.get(keyword.toLowerCase()) ?? keyword;

/**
 * Splits IMAP flag names (`\Seen`, `$Junk`, `work`) into `FLAG` bits and
 * keywords. System flags are case-insensitive (RFC 9051 §2.3.2); an unknown
 * `\`-name or an invalid keyword is VALIDATION_FAILED (IMAP answers BAD).
 * `\Recent` is accepted and ignored (RFC 3501 clients may send it).
 */
export function parseFlags(names: readonly string[]): { flags: FlagBits; keywords: string[] } {
  let flags = 0;
  const keywords: string[] = [];
  for (const name of names) {
    if (name.startsWith('\\')) {
      const bit = BY_NAME.get(name.toLowerCase());
      if (bit !== undefined) flags |= bit;
      else if (name.toLowerCase() !== '\\recent')
        throw new AppError('VALIDATION_FAILED', `unknown system flag ${name}`);
    } else keywords.push(name);
  }
  return { flags, keywords: normalizeKeywords(keywords) };
}

/** IMAP flag names of `flags` and `keywords`: system flags first, in `SYSTEM_FLAGS` order. */
export function flagNames(flags: FlagBits, keywords: readonly string[] = []): string[] {
  const out = SYSTEM_FLAGS.filter(([, bit]) => flags & bit).map(([name]) => name);
  return out.concat(keywords);
}

/**
 * Validates keywords and returns them canonical, once each (compared
 * case-insensitively, the first spelling kept), sorted. VALIDATION_FAILED
 * for an invalid one or more than MAX_KEYWORDS.
 */
export function normalizeKeywords(keywords: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const k of keywords) {
    if (!validKeyword(k)) throw new AppError('VALIDATION_FAILED', `invalid keyword ${JSON.stringify(k)}`);
    const key = k.toLowerCase();
    if (!seen.has(key)) seen.set(key, canonicalKeyword(k));
  }
  if (seen.size > MAX_KEYWORDS)
    throw new AppError('VALIDATION_FAILED', `a message can have at most ${MAX_KEYWORDS} keywords`);
  return [...seen.values()].sort();
}
