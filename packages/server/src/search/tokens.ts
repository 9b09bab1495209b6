import { normalizeText } from '../filter/spam/index.js';

/**
 * The search index's words. Both engines index the same pre-cut tokens (SQLite's FTS5 with its
 * `ascii` tokenizer, which splits only on ASCII spaces and punctuation; PostgreSQL a tsvector
 * built from them without its parser), so a query means the same on both.
 *
 * - Text is normalized as the spam filter does (`normalizeText`: NFKC folds full-width forms,
 *   traditional Chinese becomes simplified, lower case), so `ＡＢＣ`, `abc` and `Abc` are one
 *   word, and `發票` finds `发票`.
 * - A Latin-script word (letters and digits) is one token; a query word matches it by prefix.
 * - A CJK run (Han, kana, Hangul: no spaces between words) is cut into overlapping character
 *   pairs, then its last character alone: `开发票` → `开发 发票 票`. Every substring of two or
 *   more characters is then a run of consecutive pair tokens (a phrase), and every single
 *   character starts a token (a prefix query `票*`). That gives Chinese substring matching
 *   for one- and two-character words (发票, 会议) with no dictionary and no trigram's
 *   three-character minimum. See bench/README.md (search) for the measurements.
 */

const CJK = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}ー';
/** A CJK run, or a run of other letters, digits and combining marks. */
const RUN = new RegExp(`[${CJK}]+|(?:(?![${CJK}])[\\p{L}\\p{N}\\p{M}])+`, 'gu');
const IS_CJK = new RegExp(`^[${CJK}]`, 'u');
/** Longest Latin word kept; longer runs (hashes, base64) are cut to it: a prefix query still finds them. */
export const MAX_WORD = 40;

/** One run of a text: a CJK run's characters, or one Latin word. */
export interface Run {
  cjk: boolean;
  /** The run's characters (one element for a Latin word). */
  chars: string[];
}

/** The runs of already normalized text, in order. */
export function runsOf(normalized: string): Run[] {
  const runs: Run[] = [];
  for (const m of normalized.matchAll(RUN)) {
    const text = m[0];
    if (IS_CJK.test(text)) runs.push({ cjk: true, chars: Array.from(text) });
    else runs.push({ cjk: false, chars: [Array.from(text).slice(0, MAX_WORD).join('')] });
  }
  return runs;
}

/** A CJK run's tokens as indexed: each adjacent pair, then the last character alone. */
export function cjkTokens(chars: readonly string[]): string[] {
  const tokens: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) tokens.push(`${chars[i]}${chars[i + 1]}`);
  if (chars.length > 0) tokens.push(chars[chars.length - 1] as string);
  return tokens;
}

/** Normalizes `text` for the index: see the module comment. */
export const normalize = (text: string): string => normalizeText(text);

/**
 * The tokens of a document field in order (their positions are their indexes), at most `max`.
 * Tokens hold no ASCII punctuation or space, so they pass FTS5's `ascii` tokenizer whole.
 */
export function documentTokens(text: string, max = Number.POSITIVE_INFINITY): string[] {
  const tokens: string[] = [];
  for (const run of runsOf(normalize(text))) {
    if (run.cjk) tokens.push(...cjkTokens(run.chars));
    else tokens.push(run.chars[0] as string);
    if (tokens.length >= max) return tokens.slice(0, max);
  }
  return tokens;
}

/** One token of a query phrase: matched whole, or as the start of an indexed token. */
export interface QueryToken {
  token: string;
  prefix: boolean;
}

/**
 * A query word (one whitespace-free piece, or a quoted phrase) as the tokens that must follow
 * each other in a field. A CJK run of the query is a substring of a document run: its pairs
 * always occur; its last character's lone token only where the document run ends too, which
 * it does when more of the query follows (a Latin word, or another run); a one-character run
 * at the end is a prefix (`票*` matches `票据` and `票`). Without `exact`, the last Latin word is
 * a prefix too (`meet` finds `meeting`).
 */
export function queryTokens(text: string, exact = false): QueryToken[] {
  const runs = runsOf(normalize(text));
  const out: QueryToken[] = [];
  runs.forEach((run, i) => {
    const last = i === runs.length - 1;
    if (!run.cjk) {
      out.push({ token: run.chars[0] as string, prefix: last && !exact });
      return;
    }
    const { chars } = run;
    for (let k = 0; k + 1 < chars.length; k++)
      out.push({ token: `${chars[k]}${chars[k + 1]}`, prefix: false });
    if (!last) out.push({ token: chars[chars.length - 1] as string, prefix: false });
    else if (chars.length === 1) out.push({ token: chars[0] as string, prefix: true });
  });
  return out;
}
