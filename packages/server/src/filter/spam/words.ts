/**
 * Words of normalized text (see `normalize.ts`): Latin-script and other
 * space-separated words, and Chinese, Japanese and Korean runs cut into
 * character bigrams.
 *
 * Why bigrams and not a dictionary segmenter: they need no dictionary, cost
 * one pass (no `Intl.Segmenter`, quadratic on long text in Node 20), and a
 * Bayes filter learns the same from a bigram as from the word it belongs to;
 * `bench/spam/` measured both (see bench/README.md).
 */

/** A CJK run: Han, Hiragana, Katakana, Hangul (no spaces between their words). */
const CJK = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}ー';
/**
 * One word: a CJK run, or a run of letters, digits and the marks that belong
 * inside words and addresses (`don't`, `3.5`, `x-mailer`, `$100`). SpamAssassin
 * keeps such punctuation too: `$`, `!` and `%` carry signal in spam.
 */
// Han letters are \p{L} too: a word stops where a CJK run starts ("www购买" is "www" and "购买").
const NOT_CJK = `(?![${CJK}])`;
const WORD = new RegExp(
  `[${CJK}]+|${NOT_CJK}[\\p{L}\\p{N}\\p{M}$€£¥](?:${NOT_CJK}[\\p{L}\\p{N}\\p{M}$€£¥%!'._@-])*`,
  'gu',
);
const IS_CJK = new RegExp(`^[${CJK}]`, 'u');
/** Longest word kept whole; longer ones (hashes, base64 runs) are kept as `sk:` and their first letters, as SpamAssassin does. */
const MAX_WORD = 20;
const MIN_WORD = 2;

/** Emits the tokens of one CJK run: each pair of adjacent characters, or the character alone in a run of one. */
export function cjkBigrams(run: string, emit: (token: string) => void): void {
  const chars = Array.from(run);
  if (chars.length === 1) {
    emit(chars[0] as string);
    return;
  }
  for (let i = 0; i + 1 < chars.length; i++) emit((chars[i] as string) + (chars[i + 1] as string));
}

/**
 * Emits the word tokens of `text` (already normalized), each with `prefix`.
 * Stops once `budget()` says no more are wanted, so a huge text costs only
 * as much as the tokens it may still give.
 */
export function emitWords(
  text: string,
  prefix: string,
  emit: (token: string) => void,
  budget: () => boolean,
  pairWindow = 0,
): void {
  const recent: string[] = [];
  WORD.lastIndex = 0;
  for (let m = WORD.exec(text); m !== null && budget(); m = WORD.exec(text)) {
    const word = m[0];
    if (IS_CJK.test(word)) {
      cjkBigrams(word, (t) => emit(prefix + t));
      continue;
    }
    // Trailing sentence punctuation is not part of the word ("now." → "now"), but "!!!" is kept apart.
    const bare = word.replace(/[.'_@-]+$/u, '');
    if (bare.length < MIN_WORD) continue;
    const token = bare.length > MAX_WORD ? `sk:${bare.slice(0, 7)}` : bare;
    emit(prefix + token);
    if (pairWindow > 0) emitPairs(recent, token, prefix, emit, pairWindow);
  }
}

/**
 * Rspamd's orthogonal sparse bigrams (OSB): the word with each of the
 * `window` words before it, the distance in the token ("click here" and
 * "click … here" are two tokens). Pairs carry what single words lose —
 * "free" is ham in "feel free to", spam in "free gift" — and a spammer who
 * misspells one word still leaves the pairs around it.
 */
function emitPairs(
  recent: string[],
  word: string,
  prefix: string,
  emit: (token: string) => void,
  window: number,
): void {
  for (let d = 1; d <= recent.length; d++) emit(`${prefix}${recent[recent.length - d]}~${d}~${word}`);
  recent.push(word);
  if (recent.length > window) recent.shift();
}
