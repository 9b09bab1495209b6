import { ScimError } from '../errors.js';

export type Token =
  | { t: 'word'; v: string; at: number }
  | { t: 'string'; v: string; at: number }
  | { t: 'number'; v: number; at: number }
  | { t: '(' | ')' | '[' | ']'; at: number };

const WORD = /[A-Za-z0-9_:.$-]/;
const NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;

const invalid = (detail: string) => new ScimError(400, 'invalidFilter', detail);

/** Reads a JSON string literal (RFC 7644 §3.4.2.2: compValue strings are JSON strings) starting at `i`. */
function readString(text: string, i: number): { value: string; end: number } {
  let j = i + 1;
  while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
  if (j >= text.length) throw invalid(`unterminated string at ${i + 1}`);
  try {
    const value = JSON.parse(text.slice(i, j + 1)) as string;
    // No name, address or id holds a NUL (and PostgreSQL cannot compare one): nothing could match.
    if (value.includes('\u0000')) throw invalid(`a NUL character in the string at ${i + 1}`);
    return { value, end: j + 1 };
  } catch {
    throw invalid(`malformed string at ${i + 1}`);
  }
}

/** Splits a filter into tokens: brackets, JSON strings, numbers and words (attribute paths, operators, literals). */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '(' || c === ')' || c === '[' || c === ']') {
      out.push({ t: c, at: i });
      i++;
    } else if (c === '"') {
      const s = readString(text, i);
      out.push({ t: 'string', v: s.value, at: i });
      i = s.end;
    } else if (WORD.test(c)) {
      let j = i;
      while (j < text.length && WORD.test(text[j] as string)) j++;
      const word = text.slice(i, j);
      if (NUMBER.test(word)) out.push({ t: 'number', v: Number(word), at: i });
      else out.push({ t: 'word', v: word, at: i });
      i = j;
    } else {
      throw invalid(`unexpected character '${c}' at ${i + 1}`);
    }
  }
  return out;
}
