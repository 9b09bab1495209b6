import { AppError } from '../shared/index.js';
import { type QueryToken, queryTokens } from './tokens.js';

/** Where a term must occur: anywhere, or in one field. */
export type SearchField = 'any' | 'subject' | 'from' | 'to' | 'attachment';

/** One term of a query: its tokens must follow each other in one field; every term must match. */
export interface SearchTerm {
  field: SearchField;
  tokens: QueryToken[];
}

/** Field prefixes of the query syntax (`from:alice`), with their aliases. */
const FIELDS: Record<string, SearchField> = {
  from: 'from',
  to: 'to',
  cc: 'to',
  subject: 'subject',
  filename: 'attachment',
  attachment: 'attachment',
};

/** Terms a query may have, and tokens per term: bounds on the work one request can ask for. */
export const MAX_TERMS = 16;
export const MAX_TERM_TOKENS = 64;

/** A field prefix, then a quoted phrase or a bare word; or a quoted phrase; or a bare word. */
const PIECE = /(?:([A-Za-z]+):)?(?:"([^"]*)"?|(\S+))/g;

/**
 * Parses the `q` parameter:
 *
 * - words: each must occur somewhere (subject, from, to/cc, body, attachment names);
 *   Latin words match by prefix and in any case, Chinese as a substring (`会议` finds `开会议程`);
 * - `"a phrase"`: the words next to each other, in that order (Latin words whole);
 * - `from:`, `to:` (`cc:`), `subject:`, `filename:` before a word or a phrase: only in that field.
 *
 * An unknown prefix (`http://…`, `re:`) is read as part of the word. Terms without a letter or
 * digit (`-`, `@`) are dropped; the result may be empty (the query then matches nothing).
 */
export function parseQuery(q: string): SearchTerm[] {
  const terms: SearchTerm[] = [];
  for (const m of q.matchAll(PIECE)) {
    const [whole, prefix, quoted, bare] = m;
    const field = prefix ? FIELDS[prefix.toLowerCase()] : undefined;
    let text: string;
    let exact: boolean;
    if (prefix && !field) {
      text = whole; // not a field: `re:hello` is a word
      exact = false;
    } else {
      text = quoted ?? bare ?? '';
      exact = quoted !== undefined;
    }
    const tokens = queryTokens(text, exact);
    if (tokens.length === 0) continue;
    if (tokens.length > MAX_TERM_TOKENS)
      throw new AppError('VALIDATION_FAILED', `a search term may have at most ${MAX_TERM_TOKENS} words`);
    terms.push({ field: field ?? 'any', tokens });
  }
  if (terms.length > MAX_TERMS)
    throw new AppError('VALIDATION_FAILED', `a search may have at most ${MAX_TERMS} terms`);
  return terms;
}
