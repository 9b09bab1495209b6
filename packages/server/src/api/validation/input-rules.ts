/**
 * What a string or number a client sends must be, beyond its schema: every
 * string and number of every route's params, query, headers and body is
 * checked (see `mark-inputs.ts`), so no route can forget it.
 *
 * - `line`: no control character at all (U+0000–U+001F, U+007F) and no
 *   unpaired surrogate. Paths, query parameters, headers and most body fields:
 *   names, addresses, subjects, ids, passwords.
 * - `text`: multi-line text (a message body, an XML document): tab, line feed,
 *   form feed and carriage return are allowed, other controls and unpaired
 *   surrogates are not.
 * - `number`: finite (query coercion turns `1e309` and `Infinity` into
 *   Infinity, which ajv's `maximum` lets through).
 *
 * NUL is never text: PostgreSQL cannot store it in a text column at all, and
 * an unpaired surrogate is not Unicode (it cannot be encoded as UTF-8).
 */
export type InputRule = 'line' | 'text' | 'number';

// With the `u` flag a surrogate pair is one code point, so \p{Cs} matches only unpaired halves.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const LINE_BAD = /[\u0000-\u001f\u007f]|\p{Cs}/u;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const TEXT_BAD = /[\u0000-\u0008\u000b\u000e-\u001f\u007f]|\p{Cs}/u;

const codePoint = (c: string) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/** Why `value` breaks `rule`, in words for a field error; null when it does not. */
export function inputProblem(rule: InputRule, value: unknown): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : 'must be a finite number';
  if (typeof value !== 'string' || rule === 'number') return null;
  const bad = (rule === 'text' ? TEXT_BAD : LINE_BAD).exec(value);
  if (!bad) return null;
  const char = bad[0];
  if (/\p{Cs}/u.test(char))
    return `must be valid Unicode text (it holds an unpaired surrogate, ${codePoint(char)})`;
  return rule === 'text'
    ? `must not contain the control character ${codePoint(char)} (only tab, line breaks and form feed)`
    : `must not contain the control character ${codePoint(char)}`;
}
