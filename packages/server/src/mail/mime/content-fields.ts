import { HeaderLexer } from './lexer.js';

/** Parameters in header order, names and values as written (`charset=utf-8` → `['charset', 'utf-8']`). */
export type MimeParams = Array<[name: string, value: string]>;

/** A parsed Content-Type (RFC 2045 §5.1): type and subtype as written. */
export interface ContentType {
  readonly type: string;
  readonly subtype: string;
  readonly params: MimeParams;
}

/** A parsed Content-Disposition (RFC 2183). */
export interface ContentDisposition {
  readonly type: string;
  readonly params: MimeParams;
}

// RFC 2045 §5.1 tspecials, for names; values stop only at ';' (unquoted `name=a/b.txt` is common).
const TSPECIALS = '()<>@,;:\\"/[]?=';

/** `;`-separated parameters from the lexer's position (RFC 2045 §5.1), with RFC 2231 continuations merged. */
function readParams(lexer: HeaderLexer): MimeParams {
  const params: MimeParams = [];
  while (!lexer.done) {
    if (!lexer.take(';')) {
      lexer.skipPast(';');
      continue;
    }
    const name = lexer.token(TSPECIALS);
    if (!name || !lexer.take('=')) continue;
    params.push([name, lexer.value(';')]);
  }
  return mergeContinuations(params);
}

const SEGMENT = /^(.+?)\*(\d+)(\*?)$/;

/**
 * RFC 2231 §3: `name*0="a"; name*1="b"` is one parameter `name` = `ab`; an
 * extended one (`name*0*=utf-8''%E4…`) becomes `name*` with the raw value,
 * as a single `name*=…` stays. As in Dovecot, RFC 2231 parameters come
 * after the plain ones, in the order of their first segment.
 */
function mergeContinuations(params: MimeParams): MimeParams {
  if (!params.some(([name]) => name.includes('*'))) return params;
  const plain = params.filter(([name]) => !name.includes('*'));
  const out: MimeParams = [];
  const merged = new Map<string, { at: number; parts: Array<[number, string]>; extended: boolean }>();
  for (const [name, value] of params) {
    if (!name.includes('*')) continue;
    const m = SEGMENT.exec(name);
    if (!m) {
      out.push([name, value]);
      continue;
    }
    const key = (m[1] as string).toLowerCase();
    let entry = merged.get(key);
    if (!entry) {
      entry = { at: out.length, parts: [], extended: false };
      merged.set(key, entry);
      out.push([m[1] as string, '']);
    }
    entry.parts.push([Number(m[2]), value]);
    if (m[2] === '0' && m[3] === '*') entry.extended = true;
  }
  for (const entry of merged.values()) {
    const slot = out[entry.at] as [string, string];
    slot[1] = entry.parts
      .sort((a, b) => a[0] - b[0])
      .map(([, v]) => v)
      .join('');
    if (entry.extended) slot[0] = `${slot[0]}*`;
  }
  return [...plain, ...out];
}

/** Content-Type, or null when it is not `type/subtype` (RFC 2045 §5.2: then text/plain us-ascii applies). */
export function parseContentType(value: string): ContentType | null {
  const lexer = new HeaderLexer(value);
  const type = lexer.token(TSPECIALS);
  if (!type || !lexer.take('/')) return null;
  const subtype = lexer.token(TSPECIALS);
  if (!subtype) return null;
  return { type, subtype, params: readParams(lexer) };
}

/** Content-Disposition, or null when it has no type. */
export function parseDisposition(value: string): ContentDisposition | null {
  const lexer = new HeaderLexer(value);
  const type = lexer.token(TSPECIALS);
  return type ? { type, params: readParams(lexer) } : null;
}

/** Content-Transfer-Encoding's mechanism (RFC 2045 §6.1), comments removed; null when empty. */
export function parseEncoding(value: string): string | null {
  return new HeaderLexer(value).token(TSPECIALS) || null;
}

/** Content-Language's tags (RFC 3282), comments removed; null when none. */
export function parseLanguage(value: string): string[] | null {
  const lexer = new HeaderLexer(value);
  const tags: string[] = [];
  while (!lexer.done) {
    const tag = lexer.token(',');
    if (tag) tags.push(tag);
    if (!lexer.take(',') && !tag) lexer.skipPast(',');
  }
  return tags.length > 0 ? tags : null;
}
