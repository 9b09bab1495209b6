import { type Arguments, readNumber } from './arguments.js';
import {
  type BodySection,
  type FetchPartial,
  formatBodySection,
  parseBinarySection,
  parseBodySection,
  parseFetchPartial,
} from './body-section.js';
import { syntaxError } from './errors.js';
import type { AtomToken, Token } from './tokens.js';

/** Fetch items without a section (RFC 9051 §6.4.5; RFC 3501 RFC822*; RFC 7162 MODSEQ). */
export type SimpleFetchItem =
  | 'UID'
  | 'FLAGS'
  | 'INTERNALDATE'
  | 'RFC822.SIZE'
  | 'ENVELOPE'
  | 'BODY'
  | 'BODYSTRUCTURE'
  | 'MODSEQ'
  | 'RFC822'
  | 'RFC822.HEADER'
  | 'RFC822.TEXT';

/** One requested FETCH data item. */
export type FetchAttribute =
  | { readonly kind: 'item'; readonly item: SimpleFetchItem }
  /** BODY[section]<partial> or BODY.PEEK[...]; `peek` leaves \Seen alone. */
  | {
      readonly kind: 'section';
      readonly peek: boolean;
      readonly section: BodySection;
      readonly partial: FetchPartial | null;
    }
  /** BINARY[part]<partial> (RFC 3516): the part with its transfer encoding decoded. */
  | {
      readonly kind: 'binary';
      readonly peek: boolean;
      readonly part: readonly number[];
      readonly partial: FetchPartial | null;
    }
  /** BINARY.SIZE[part]: the decoded size. */
  | { readonly kind: 'binary-size'; readonly part: readonly number[] };

/** A FETCH macro (RFC 9051 §6.4.5). */
export type FetchMacro = 'ALL' | 'FAST' | 'FULL';

const SIMPLE = new Set<string>([
  'UID',
  'FLAGS',
  'INTERNALDATE',
  'RFC822.SIZE',
  'ENVELOPE',
  'BODY',
  'BODYSTRUCTURE',
  'MODSEQ',
  'RFC822',
  'RFC822.HEADER',
  'RFC822.TEXT',
]);

const MACROS: Record<FetchMacro, SimpleFetchItem[]> = {
  ALL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE'],
  FAST: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE'],
  FULL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY'],
};

/** Reads the items of FETCH: a macro, one item, or a parenthesized list of items. */
export function readFetchAttributes(args: Arguments): {
  macro: FetchMacro | null;
  attributes: FetchAttribute[];
} {
  const token = args.next('fetch items (e.g. FLAGS or (UID BODY.PEEK[]))');
  if (token.kind === 'list') {
    if (token.items.length === 0) throw args.error('the list of fetch items is empty');
    return { macro: null, attributes: token.items.map(parseFetchAttribute) };
  }
  const upper = token.kind === 'atom' && !token.section ? token.value.toUpperCase() : '';
  if (upper === 'ALL' || upper === 'FAST' || upper === 'FULL') {
    return { macro: upper, attributes: MACROS[upper].map((item) => ({ kind: 'item', item })) };
  }
  return { macro: null, attributes: [parseFetchAttribute(token)] };
}

/** Parses one fetch-att token. */
export function parseFetchAttribute(token: Token): FetchAttribute {
  if (token.kind !== 'atom')
    throw syntaxError('FETCH: a fetch item must be an atom such as FLAGS or BODY.PEEK[]');
  const name = token.value.toUpperCase();
  if (!token.section) {
    if (SIMPLE.has(name)) return { kind: 'item', item: name as SimpleFetchItem };
    throw syntaxError(`FETCH: unknown fetch item "${token.value}"`);
  }
  return sectionAttribute(name, token);
}

function sectionAttribute(name: string, token: AtomToken): FetchAttribute {
  const section = token.section as Token[];
  const partial = token.partial === undefined ? null : parseFetchPartial(token.partial);
  switch (name) {
    case 'BODY':
    case 'BODY.PEEK':
      return { kind: 'section', peek: name === 'BODY.PEEK', section: parseBodySection(section), partial };
    case 'BINARY':
    case 'BINARY.PEEK':
      return { kind: 'binary', peek: name === 'BINARY.PEEK', part: parseBinarySection(section), partial };
    default:
      if (partial) throw syntaxError('FETCH: BINARY.SIZE takes no partial range');
      return { kind: 'binary-size', part: parseBinarySection(section) };
  }
}

/** FETCH modifiers (RFC 7162 §3.1.4, §3.2.6). */
export interface FetchModifiers {
  readonly changedSince: number | null;
  readonly vanished: boolean;
}

/** Reads `(CHANGEDSINCE n [VANISHED])` if present. */
export function readFetchModifiers(args: Arguments, uid: boolean): FetchModifiers {
  const list = args.optionalList();
  let changedSince: number | null = null;
  let vanished = false;
  while (list && !list.done) {
    const name = list.keyword('a fetch modifier (CHANGEDSINCE or VANISHED)');
    if (name === 'CHANGEDSINCE')
      changedSince = readNumber(list, 'a mod-sequence', 1, Number.MAX_SAFE_INTEGER);
    else if (name === 'VANISHED') vanished = true;
    else throw args.error(`unknown fetch modifier "${name}"`);
  }
  // RFC 7162 §3.2.6: VANISHED only in UID FETCH, and only with CHANGEDSINCE.
  if (vanished && (!uid || changedSince === null)) {
    throw args.error('VANISHED may only be used in UID FETCH together with CHANGEDSINCE');
  }
  return { changedSince, vanished };
}

/** The name of an item in the FETCH response: `BODY[1.HEADER]<0>`, `BINARY.SIZE[2]`, `RFC822.SIZE`. */
export function fetchResponseName(attribute: FetchAttribute): string {
  switch (attribute.kind) {
    case 'item':
      return attribute.item;
    case 'section':
      return `BODY[${formatBodySection(attribute.section)}]${attribute.partial ? `<${attribute.partial.offset}>` : ''}`;
    case 'binary':
      return `BINARY[${attribute.part.join('.')}]${attribute.partial ? `<${attribute.partial.offset}>` : ''}`;
    case 'binary-size':
      return `BINARY.SIZE[${attribute.part.join('.')}]`;
  }
}

/** Whether fetching `attribute` sets \Seen (RFC 9051 §6.4.5: BODY[...] and BINARY[...] without .PEEK; RFC822, RFC822.TEXT). */
export function fetchSetsSeen(attribute: FetchAttribute): boolean {
  if (attribute.kind === 'section' || attribute.kind === 'binary') return !attribute.peek;
  return attribute.kind === 'item' && (attribute.item === 'RFC822' || attribute.item === 'RFC822.TEXT');
}
