import { Converter } from 'opencc-js/t2cn';

/**
 * Text normalization before tokens are cut, so that the variants a spammer
 * (or a Hong Kong and a Beijing colleague) may write count as one token:
 *
 * - NFKC folds full-width Latin letters, digits and punctuation (`ＡＢＣ１２３！`)
 *   to their ASCII forms, half-width katakana to full-width, and ligatures
 *   and circled or styled letters (`ℌ𝔢𝔩𝔩𝔬`) to plain ones (UAX #15).
 * - Traditional Chinese characters become simplified ones, with OpenCC's
 *   character table (opencc-js, MIT; OpenCC's dictionaries, Apache-2.0). Only
 *   CJK runs are converted: Latin text cannot change, and the converter's
 *   trie walk costs per character.
 * - Lower case (Unicode's, not just ASCII).
 */

type Convert = (text: string) => string;
let toSimplified: Convert | undefined;

/** The Traditional → Simplified converter, built on first use (≈ 20 ms, its dictionaries' trie). */
function simplifier(): Convert {
  // 't' → 'cn': OpenCC's generic Traditional characters and phrases to Mainland simplified.
  const convert = toSimplified ?? Converter({ from: 't', to: 'cn' });
  toSimplified = convert;
  return convert;
}

/** Han ideographs (with extensions and compatibility ideographs): the characters traditional/simplified applies to. */
const HAN_RUN = /\p{Script=Han}+/gu;

/** `text` with CJK runs in simplified characters. */
export function simplifyChinese(text: string): string {
  if (!/\p{Script=Han}/u.test(text)) return text;
  const convert = simplifier();
  return text.replace(HAN_RUN, (run) => convert(run));
}

/** NFKC, traditional → simplified Chinese, lower case: the form every text token is cut from. */
export function normalizeText(text: string): string {
  return simplifyChinese(text.normalize('NFKC')).toLowerCase();
}
