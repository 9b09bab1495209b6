import { TextDecoder } from 'node:util';
import type { Arguments } from './arguments.js';
import { ImapProtocolError } from './errors.js';
import { readSearchKeys, type SearchDecoder, type SearchKey } from './search-keys.js';

/** ESEARCH result options (RFC 4731, RFC 9051 §6.4.4; SAVE from RFC 5182). */
export interface SearchReturn {
  readonly min: boolean;
  readonly max: boolean;
  readonly all: boolean;
  readonly count: boolean;
  readonly save: boolean;
}

/** A parsed search program: charset, criteria (all must match), and RETURN options if given. */
export interface SearchProgram {
  /** The CHARSET in upper case, or null when none was given (then UTF-8/US-ASCII). */
  readonly charset: string | null;
  readonly keys: readonly SearchKey[];
  /** Null when the command had no RETURN: the client wants a classic `* SEARCH` (IMAP4rev1). */
  readonly returns: SearchReturn | null;
}

const NATIVE = new Set(['UTF-8', 'US-ASCII', 'UTF8']);

/**
 * A decoder for the CHARSET of a SEARCH: UTF-8 and US-ASCII natively, any
 * other charset the platform's TextDecoder knows (ISO-8859-*, GB2312/GBK/
 * GB18030, Big5, Shift_JIS, KOI8-R …). An unknown one gets
 * `NO [BADCHARSET (UTF-8 US-ASCII)]` (RFC 9051 §6.4.4).
 */
export function searchDecoder(charset: string | null): SearchDecoder {
  if (charset === null || NATIVE.has(charset)) return (bytes) => bytes.toString('utf8');
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset);
  } catch {
    throw new ImapProtocolError(`Unsupported charset ${charset.slice(0, 40)}`, {
      status: 'NO',
      code: { name: 'BADCHARSET', args: ['(UTF-8 US-ASCII)'] },
    });
  }
  return (bytes) => decoder.decode(bytes);
}

/** Reads `RETURN (...)` if present. `RETURN ()` means ALL (RFC 4731 §3.1). */
export function readSearchReturn(args: Arguments): SearchReturn | null {
  if (!args.takeKeyword('RETURN')) return null;
  const list = args.list('the RETURN options');
  const options = { min: false, max: false, all: false, count: false, save: false };
  while (!list.done) {
    const option = list.keyword('a RETURN option (MIN MAX ALL COUNT SAVE)');
    const field = option.toLowerCase() as keyof typeof options;
    if (!(field in options)) throw args.error(`unknown RETURN option "${option}"`);
    options[field] = true;
  }
  if (!options.min && !options.max && !options.count && !options.save) options.all = true;
  return options;
}

/** Reads `[CHARSET x]` (SEARCH) or the mandatory charset (SORT, THREAD). */
export function readCharset(args: Arguments, required: boolean): string | null {
  if (!required && !args.takeKeyword('CHARSET')) return null;
  return args.astring('a charset name').toUpperCase();
}

/** SEARCH [RETURN (...)] [CHARSET x] key+ */
export function readSearchProgram(args: Arguments): SearchProgram {
  const returns = readSearchReturn(args);
  const charset = readCharset(args, false);
  return { charset, keys: readSearchKeys(args, searchDecoder(charset)), returns };
}

/** SORT criteria keys (RFC 5256 §3; DISPLAYFROM/DISPLAYTO from RFC 5957). */
export type SortKey =
  | 'ARRIVAL'
  | 'CC'
  | 'DATE'
  | 'FROM'
  | 'SIZE'
  | 'SUBJECT'
  | 'TO'
  | 'DISPLAYFROM'
  | 'DISPLAYTO';

/** One SORT criterion. */
export interface SortCriterion {
  readonly key: SortKey;
  readonly reverse: boolean;
}

const SORT_KEYS = new Set<string>([
  'ARRIVAL',
  'CC',
  'DATE',
  'FROM',
  'SIZE',
  'SUBJECT',
  'TO',
  'DISPLAYFROM',
  'DISPLAYTO',
]);

/** SORT [RETURN (...)] (criteria) charset key+ (RFC 5256, RFC 5267 ESORT). */
export function readSort(args: Arguments): { criteria: SortCriterion[]; program: SearchProgram } {
  const returns = readSearchReturn(args);
  const list = args.list('the sort criteria');
  const criteria: SortCriterion[] = [];
  while (!list.done) {
    const reverse = list.takeKeyword('REVERSE');
    const key = list.keyword('a sort key');
    if (!SORT_KEYS.has(key)) throw args.error(`unknown sort key "${key}"`);
    criteria.push({ key: key as SortKey, reverse });
  }
  if (criteria.length === 0) throw args.error('the sort criteria are empty');
  const charset = readCharset(args, true);
  return { criteria, program: { charset, keys: readSearchKeys(args, searchDecoder(charset)), returns } };
}

/** THREAD algorithm charset key+ (RFC 5256); the algorithm in upper case (the session checks it is offered). */
export function readThread(args: Arguments): { algorithm: string; program: SearchProgram } {
  const algorithm = args.keyword('a threading algorithm (REFERENCES or ORDEREDSUBJECT)');
  const charset = readCharset(args, true);
  return {
    algorithm,
    program: { charset, keys: readSearchKeys(args, searchDecoder(charset)), returns: null },
  };
}
