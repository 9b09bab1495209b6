import { type Arguments, readNumber } from './arguments.js';
import { parseSearchDate, type SearchDate } from './date-time.js';
import { limitError } from './errors.js';
import { normalizeFlag } from './flags.js';
import { looksLikeSequenceSet, parseSequenceSet, type SequenceSet } from './sequence-set.js';
import type { Token } from './tokens.js';

/** Keys without an argument (RFC 9051 §6.4.4; NEW, OLD, RECENT from RFC 3501). */
export type FlagSearchKey =
  | 'ALL'
  | 'ANSWERED'
  | 'DELETED'
  | 'DRAFT'
  | 'FLAGGED'
  | 'NEW'
  | 'OLD'
  | 'RECENT'
  | 'SEEN'
  | 'UNANSWERED'
  | 'UNDELETED'
  | 'UNDRAFT'
  | 'UNFLAGGED'
  | 'UNSEEN';

/** Substring keys over header fields or text. */
export type TextSearchKey = 'BCC' | 'BODY' | 'CC' | 'FROM' | 'SUBJECT' | 'TEXT' | 'TO';

/** Date keys: internal date (BEFORE ON SINCE) or the Date header (SENT*). */
export type DateSearchKey = 'BEFORE' | 'ON' | 'SINCE' | 'SENTBEFORE' | 'SENTON' | 'SENTSINCE';

/** One search criterion; a list of them means all must match. */
export type SearchKey =
  | { readonly key: FlagSearchKey }
  | { readonly key: TextSearchKey; readonly value: string }
  | { readonly key: 'HEADER'; readonly field: string; readonly value: string }
  | { readonly key: 'KEYWORD' | 'UNKEYWORD'; readonly flag: string }
  | { readonly key: DateSearchKey; readonly date: SearchDate }
  | { readonly key: 'LARGER' | 'SMALLER'; readonly size: number }
  /** UID set (`UID 1:5`); `$` = the saved result. */
  | { readonly key: 'UID'; readonly set: SequenceSet }
  /** A bare sequence set of message numbers. */
  | { readonly key: 'SEQUENCE'; readonly set: SequenceSet }
  | { readonly key: 'NOT'; readonly operand: SearchKey }
  | { readonly key: 'OR'; readonly left: SearchKey; readonly right: SearchKey }
  /** A parenthesized group: all must match. */
  | { readonly key: 'AND'; readonly operands: readonly SearchKey[] }
  /** RFC 7162 §3.1.5: mod-sequence ≥ `modseq`; the optional entry names a flag's metadata. */
  | { readonly key: 'MODSEQ'; readonly modseq: number; readonly entry: ModseqEntry | null };

/** The entry of a MODSEQ search key: `"/flags/\Seen" all`. */
export interface ModseqEntry {
  readonly flag: string;
  readonly type: 'priv' | 'shared' | 'all';
}

/** Turns the bytes of a search string into text (the CHARSET of the command). */
export type SearchDecoder = (bytes: Buffer) => string;

const FLAG_KEYS = new Set<string>([
  'ALL',
  'ANSWERED',
  'DELETED',
  'DRAFT',
  'FLAGGED',
  'NEW',
  'OLD',
  'RECENT',
  'SEEN',
  'UNANSWERED',
  'UNDELETED',
  'UNDRAFT',
  'UNFLAGGED',
  'UNSEEN',
]);
const TEXT_KEYS = new Set<string>(['BCC', 'BODY', 'CC', 'FROM', 'SUBJECT', 'TEXT', 'TO']);
const DATE_KEYS = new Set<string>(['BEFORE', 'ON', 'SINCE', 'SENTBEFORE', 'SENTON', 'SENTSINCE']);

/** NOT NOT NOT … and nested groups recurse; past this depth the command gets BAD [LIMIT]. */
const MAX_SEARCH_DEPTH = 64;

/** Reads search keys until the arguments end (at least one). */
export function readSearchKeys(args: Arguments, decode: SearchDecoder): SearchKey[] {
  const keys: SearchKey[] = [];
  do keys.push(readSearchKey(args, decode, 0));
  while (!args.done);
  return keys;
}

/** Reads one search key (recursively for NOT, OR and groups). */
export function readSearchKey(args: Arguments, decode: SearchDecoder, depth: number): SearchKey {
  if (depth > MAX_SEARCH_DEPTH)
    throw limitError(`${args.command}: search keys nested too deep (at most ${MAX_SEARCH_DEPTH})`);
  const token = args.next('a search key');
  if (token.kind === 'list') return readGroup(args, token.items, decode, depth);
  if (token.kind !== 'atom' || token.section)
    throw args.error('expected a search key such as UNSEEN or FROM "x"');
  const name = token.value.toUpperCase();
  if (FLAG_KEYS.has(name)) return { key: name as FlagSearchKey };
  if (TEXT_KEYS.has(name))
    return { key: name as TextSearchKey, value: decode(args.astringBytes(`the ${name} string`)) };
  if (DATE_KEYS.has(name)) return { key: name as DateSearchKey, date: readDate(args, name) };
  switch (name) {
    case 'HEADER':
      return {
        key: 'HEADER',
        field: args.astring('a header field name'),
        value: decode(args.astringBytes('the HEADER string')),
      };
    case 'KEYWORD':
    case 'UNKEYWORD':
      return { key: name, flag: readKeyword(args) };
    case 'LARGER':
    case 'SMALLER':
      return { key: name, size: readNumber(args, 'a size in octets', 0, Number.MAX_SAFE_INTEGER) };
    case 'UID':
      return { key: 'UID', set: readSet(args) };
    case 'NOT':
      return { key: 'NOT', operand: readSearchKey(args, decode, depth + 1) };
    case 'OR':
      return {
        key: 'OR',
        left: readSearchKey(args, decode, depth + 1),
        right: readSearchKey(args, decode, depth + 1),
      };
    case 'MODSEQ':
      return readModseq(args);
    default:
      if (looksLikeSequenceSet(token.value)) return { key: 'SEQUENCE', set: parseSequenceSet(token.value) };
      throw args.error(`unknown search key "${token.value}"`);
  }
}

function readGroup(args: Arguments, items: Token[], decode: SearchDecoder, depth: number): SearchKey {
  const inner = args.within(items);
  if (inner.done) throw args.error('a parenthesized search group is empty');
  const operands: SearchKey[] = [];
  while (!inner.done) operands.push(readSearchKey(inner, decode, depth + 1));
  return operands.length === 1 ? (operands[0] as SearchKey) : { key: 'AND', operands };
}

function readDate(args: Arguments, name: string): SearchDate {
  const token = args.next(`a date after ${name}`);
  const text =
    token.kind === 'atom' ? token.value : token.kind === 'quoted' ? token.value.toString('latin1') : '';
  const date = parseSearchDate(text);
  if (!date) throw args.error(`${name} needs a date like 1-Feb-1994, got "${text.slice(0, 40)}"`);
  return date;
}

function readKeyword(args: Arguments): string {
  const text = args.atom('a keyword');
  const flag = normalizeFlag(text, { allowRecent: true });
  if (flag === null) throw args.error(`"${text}" is not a valid keyword`);
  return flag;
}

function readSet(args: Arguments): SequenceSet {
  const text = args.atom('a UID set');
  if (!looksLikeSequenceSet(text)) throw args.error(`expected a UID set, got "${text.slice(0, 40)}"`);
  return parseSequenceSet(text);
}

/** MODSEQ [entry-name entry-type-req] mod-sequence-valzer (RFC 7162 §3.1.5). */
function readModseq(args: Arguments): SearchKey {
  const next = args.peek();
  let entry: ModseqEntry | null = null;
  if (next && next.kind !== 'atom') {
    const name = args.string('an entry name like "/flags/\\\\Seen"').value?.toString('utf8') ?? '';
    const flag = normalizeFlag(name.replace(/^\/flags\//i, ''), { allowRecent: true });
    if (!/^\/flags\//i.test(name) || flag === null) throw args.error(`invalid MODSEQ entry name "${name}"`);
    const type = args.keyword('priv, shared or all').toLowerCase();
    if (type !== 'priv' && type !== 'shared' && type !== 'all')
      throw args.error('MODSEQ entry type must be priv, shared or all');
    entry = { flag, type };
  }
  return { key: 'MODSEQ', modseq: readNumber(args, 'a mod-sequence', 0, Number.MAX_SAFE_INTEGER), entry };
}
