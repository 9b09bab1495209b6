// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const CONTROL = /[\u0000-\u001f\u007f]/;
// With the `u` flag a surrogate pair is one code point, so \p{Cs} matches only unpaired halves.
const UNPAIRED_SURROGATE = /\p{Cs}/gu;

/**
 * Whether `s` holds a C0 control character or DEL. No address, name or key
 * jdmail stores has one, so a lookup by such a value can answer "not found"
 * without asking the database — which PostgreSQL would refuse for a NUL.
 */
export const hasControlCharacters = (s: string): boolean => CONTROL.test(s);

/**
 * `s` as both database engines store it alike: without NUL, which a
 * PostgreSQL text value cannot hold (SQLite would keep it), and with each
 * unpaired surrogate — not Unicode, no UTF-8 encoding — as U+FFFD, as a
 * decoder shows invalid bytes. For text taken from a message, whose bytes
 * are whatever the sender sent.
 */
export function storableText(s: string): string {
  const noNul = s.includes('\u0000') ? s.replaceAll('\u0000', '') : s;
  return noNul.replace(UNPAIRED_SURROGATE, '\uFFFD');
}
