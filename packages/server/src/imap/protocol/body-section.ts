import { NUMBER32_MAX, parseDecimal } from './arguments.js';
import { syntaxError } from './errors.js';
import type { Token } from './tokens.js';

/** What of a part a section names (RFC 9051 §6.4.5.1); null = the whole part. */
export type SectionText = 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME';

/** `BODY[1.2.HEADER.FIELDS (From To)]` → `{ part: [1, 2], text: 'HEADER.FIELDS', fields: ['From', 'To'] }`. */
export interface BodySection {
  /** Part numbers from the top (empty = the message itself). */
  readonly part: readonly number[];
  readonly text: SectionText | null;
  /** The header field names of HEADER.FIELDS(.NOT), as the client wrote them. */
  readonly fields: readonly string[];
}

/** `<offset.length>` of a partial fetch (RFC 9051 §9 partial). */
export interface FetchPartial {
  readonly offset: number;
  readonly length: number;
}

const TEXTS = new Set<string>(['HEADER', 'HEADER.FIELDS', 'HEADER.FIELDS.NOT', 'TEXT', 'MIME']);

/** Parses the tokens between `[` and `]` of BODY/BODY.PEEK (section-spec). */
export function parseBodySection(items: readonly Token[]): BodySection {
  const [first, second, ...rest] = items;
  if (!first) return { part: [], text: null, fields: [] };
  if (first.kind !== 'atom' || rest.length > 0)
    throw syntaxError('Invalid section: expected e.g. [1.2.TEXT] or [HEADER.FIELDS (Subject)]');
  const { part, text } = splitSpec(first.value);
  if (text === 'MIME' && part.length === 0)
    throw syntaxError('Invalid section: MIME needs a part number, e.g. [1.MIME]');
  const wantsFields = text === 'HEADER.FIELDS' || text === 'HEADER.FIELDS.NOT';
  if (!wantsFields) {
    if (second) throw syntaxError(`Invalid section: nothing may follow ${first.value}`);
    return { part, text, fields: [] };
  }
  if (second?.kind !== 'list' || second.items.length === 0) {
    throw syntaxError(`Invalid section: ${text} needs a list of header field names, e.g. (From Subject)`);
  }
  const fields = second.items.map((item) => {
    if (item.kind === 'atom' && /^[\x21-\x39\x3b-\x7e]+$/.test(item.value)) return item.value;
    if (
      (item.kind === 'quoted' || item.kind === 'literal') &&
      item.value &&
      /^[\x21-\x39\x3b-\x7e]+$/.test(item.value.toString('latin1'))
    ) {
      return item.value.toString('latin1');
    }
    throw syntaxError('Invalid section: header field names are printable ASCII without ":"');
  });
  return { part, text, fields };
}

/** Parses `[1.2]`, the part of BINARY/BINARY.SIZE (section-binary). */
export function parseBinarySection(items: readonly Token[]): number[] {
  const [first, ...rest] = items;
  if (!first) return [];
  if (first.kind !== 'atom' || rest.length > 0)
    throw syntaxError('Invalid BINARY section: expected part numbers, e.g. [1.2]');
  const { part, text } = splitSpec(first.value);
  if (text !== null) throw syntaxError('Invalid BINARY section: only part numbers are allowed, e.g. [1.2]');
  return part;
}

/** `1.2.HEADER` → part [1, 2], text HEADER. */
function splitSpec(spec: string): { part: number[]; text: SectionText | null } {
  const pieces = spec.split('.');
  const part: number[] = [];
  while (pieces.length > 0 && /^[0-9]+$/.test(pieces[0] as string)) {
    const n = parseDecimal(pieces.shift() as string, 1, NUMBER32_MAX);
    if (n === null) throw syntaxError(`Invalid section "${spec}": part numbers start at 1`);
    part.push(n);
  }
  if (pieces.length === 0) return { part, text: null };
  const text = pieces.join('.').toUpperCase();
  if (!TEXTS.has(text)) throw syntaxError(`Invalid section "${spec}"`);
  return { part, text: text as SectionText };
}

/** Parses `offset.length` of `<offset.length>`; length must be at least 1. */
export function parseFetchPartial(text: string): FetchPartial {
  const m = /^([0-9]{1,16})\.([0-9]{1,16})$/.exec(text);
  const offset = m ? Number(m[1]) : Number.NaN;
  const length = m ? Number(m[2]) : Number.NaN;
  if (!(Number.isSafeInteger(offset) && Number.isSafeInteger(length) && length >= 1)) {
    throw syntaxError(`Invalid partial range <${text}>: expected <offset.length> with length ≥ 1`);
  }
  return { offset, length };
}

/** The section as a response names it: `1.2.HEADER.FIELDS (From To)`. */
export function formatBodySection(section: BodySection): string {
  const parts = section.part.join('.');
  const text = section.text ?? '';
  const spec = parts && text ? `${parts}.${text}` : parts || text;
  return section.fields.length > 0 ? `${spec} (${section.fields.join(' ')})` : spec;
}
