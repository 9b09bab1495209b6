import { mailboxToWire } from './mailbox-name.js';
import { atom, type EncodeOptions, type MailboxEncodeOptions, type ResponseValue } from './response-value.js';
import { joinParts, type ResponsePart, ResponseWriter } from './response-writer.js';

/** `* <values separated by SP>` as parts (may hold streamed literals). */
export function untaggedParts(values: readonly ResponseValue[], options: EncodeOptions): ResponsePart[] {
  const writer = new ResponseWriter(options).raw('*');
  for (const value of values) writer.raw(' ').value(value);
  return writer.raw('\r\n').finish();
}

/** `* <values separated by SP>` as one buffer. */
export function untagged(values: readonly ResponseValue[], options: EncodeOptions): Buffer {
  return joinParts(untaggedParts(values, options));
}

const ASCII: EncodeOptions = { utf8: false };

/** `* CAPABILITY ...` (or `* ENABLED ...` with `name` ENABLED, RFC 5161). */
export function capabilityResponse(
  capabilities: readonly string[],
  name: 'CAPABILITY' | 'ENABLED' = 'CAPABILITY',
): Buffer {
  return untagged([atom(name), ...capabilities.map(atom)], ASCII);
}

/** `* n EXISTS`, `* n RECENT`, `* n EXPUNGE`. */
export function countResponse(n: number, what: 'EXISTS' | 'RECENT' | 'EXPUNGE'): Buffer {
  return Buffer.from(`* ${n} ${what}\r\n`, 'latin1');
}

/** `* FLAGS (...)`. */
export function flagsResponse(flags: readonly string[]): Buffer {
  return untagged([atom('FLAGS'), flags.map(atom)], ASCII);
}

/** A mailbox name as this session writes it (modified UTF-7 unless UTF8=ACCEPT). */
export function mailboxValue(name: string, options: MailboxEncodeOptions): ResponseValue {
  return mailboxToWire(name, options.utf8Names);
}

/** One LIST or LSUB line (RFC 9051 §7.3.1, RFC 5258 extended items such as CHILDINFO). */
export interface ListEntry {
  readonly name: string;
  /** `\HasNoChildren`, `\Noselect`, `\Subscribed`, `\Sent` … */
  readonly attributes: readonly string[];
  /** Hierarchy delimiter; null for a flat namespace. */
  readonly delimiter: string | null;
  /** mbox-list-extended items, e.g. `['CHILDINFO', [('"SUBSCRIBED"')]]` as name/value pairs. */
  readonly extended?: ReadonlyArray<readonly [string, ResponseValue]>;
}

/** `* LIST (attributes) "/" name [(extended)]`. */
export function listResponse(
  entry: ListEntry,
  options: MailboxEncodeOptions,
  name: 'LIST' | 'LSUB' = 'LIST',
): Buffer {
  const values: ResponseValue[] = [
    atom(name),
    entry.attributes.map(atom),
    entry.delimiter,
    mailboxValue(entry.name, options),
  ];
  if (entry.extended && entry.extended.length > 0) values.push(entry.extended.flat());
  return untagged(values, options);
}

/** `* STATUS name (MESSAGES 2 UIDNEXT 5 ...)`; a null value is NIL (APPENDLIMIT, RFC 7889). */
export function mailboxStatusResponse(
  name: string,
  items: ReadonlyArray<readonly [string, number | null]>,
  options: MailboxEncodeOptions,
): Buffer {
  return untagged(
    [atom('STATUS'), mailboxValue(name, options), items.flatMap(([k, v]) => [atom(k), v])],
    options,
  );
}

/** `* SEARCH 2 5 9 [(MODSEQ n)]` — IMAP4rev1 (RFC 3501 §7.2.5, RFC 7162 §3.1.5). */
export function searchResponse(
  numbers: readonly number[],
  modseq: number | null = null,
  name: 'SEARCH' | 'SORT' = 'SEARCH',
): Buffer {
  const values: ResponseValue[] = [atom(name), ...numbers];
  if (modseq !== null && numbers.length > 0) values.push([atom('MODSEQ'), modseq]);
  return untagged(values, ASCII);
}

/** The data of an ESEARCH response (RFC 4731, RFC 9051 §7.3.4); omitted fields are not sent. */
export interface EsearchData {
  /** The command's tag (search-correlator). */
  readonly tag: string;
  readonly uid: boolean;
  readonly min?: number;
  readonly max?: number;
  /** A sequence set in wire form (see formatSequenceSet). */
  readonly all?: string;
  readonly count?: number;
  readonly modseq?: number;
}

/** `* ESEARCH (TAG "a") UID MIN 2 MAX 9 ALL 2,5:9 COUNT 6 MODSEQ 9`. */
export function esearchResponse(data: EsearchData): Buffer {
  const values: ResponseValue[] = [atom('ESEARCH'), [atom('TAG'), data.tag]];
  if (data.uid) values.push(atom('UID'));
  if (data.min !== undefined) values.push(atom('MIN'), data.min);
  if (data.max !== undefined) values.push(atom('MAX'), data.max);
  if (data.all !== undefined && data.all !== '') values.push(atom('ALL'), atom(data.all));
  if (data.count !== undefined) values.push(atom('COUNT'), data.count);
  if (data.modseq !== undefined) values.push(atom('MODSEQ'), data.modseq);
  return untagged(values, ASCII);
}

/** `* VANISHED [(EARLIER)] uid-set` (RFC 7162 §3.2.10). */
export function vanishedResponse(uidSet: string, earlier: boolean): Buffer {
  return untagged(
    earlier ? [atom('VANISHED'), [atom('EARLIER')], atom(uidSet)] : [atom('VANISHED'), atom(uidSet)],
    ASCII,
  );
}

/**
 * A thread: a message and its replies (RFC 5256 §4). A null id is a
 * message not in the mailbox (REFERENCES' dummy at the top of a thread): it
 * is written as the list of its children, `((3)(5))`.
 */
export interface ThreadNode {
  readonly id: number | null;
  readonly children: readonly ThreadNode[];
}

/** `* THREAD (2)(3 6 (4 23)(44 7 96))` (RFC 5256 §4). */
export function threadResponse(roots: readonly ThreadNode[]): Buffer {
  return Buffer.from(
    `* THREAD${roots.length ? ' ' : ''}${roots.map((r) => `(${threadMembers(r)})`).join('')}\r\n`,
    'latin1',
  );
}

/** A node followed by its single-child chain; a fork is a list of parenthesized branches. */
function threadMembers(node: ThreadNode): string {
  if (node.id === null) return node.children.map((c) => `(${threadMembers(c)})`).join('');
  const ids: number[] = [node.id];
  let current = node;
  while (current.children.length === 1 && (current.children[0] as ThreadNode).id !== null) {
    current = current.children[0] as ThreadNode;
    ids.push(current.id as number);
  }
  const fork = current.children.map((c) => `(${threadMembers(c)})`).join('');
  return fork ? `${ids.join(' ')} ${fork}` : ids.join(' ');
}

/** A namespace: prefix and delimiter. */
export type Namespace = readonly [prefix: string, delimiter: string | null];

/** `* NAMESPACE (("" "/")) NIL NIL` (RFC 9051 §7.3.3). */
export function namespaceResponse(
  personal: readonly Namespace[] | null,
  other: readonly Namespace[] | null,
  shared: readonly Namespace[] | null,
  options: MailboxEncodeOptions,
): Buffer {
  const list = (spaces: readonly Namespace[] | null): ResponseValue =>
    spaces && spaces.length > 0
      ? spaces.map(([prefix, delimiter]) => [mailboxValue(prefix, options), delimiter])
      : null;
  return untagged([atom('NAMESPACE'), list(personal), list(other), list(shared)], options);
}

/** One quota resource: name, usage, limit (RFC 9208 §5.1; STORAGE in KiB). */
export interface QuotaResource {
  readonly name: string;
  readonly usage: number;
  readonly limit: number;
}

/** `* QUOTA root (STORAGE 10 512)`. */
export function quotaResponse(root: string, resources: readonly QuotaResource[]): Buffer {
  return untagged([atom('QUOTA'), root, resources.flatMap((r) => [atom(r.name), r.usage, r.limit])], {
    utf8: true,
  });
}

/** `* QUOTAROOT mailbox root...`. */
export function quotaRootResponse(
  mailbox: string,
  roots: readonly string[],
  options: MailboxEncodeOptions,
): Buffer {
  return untagged([atom('QUOTAROOT'), mailboxValue(mailbox, options), ...roots], options);
}

/** `* ID ("name" "jdmail" ...)` or `* ID NIL` (RFC 2971). */
export function idResponse(params: ReadonlyArray<readonly [string, string | null]> | null): Buffer {
  return untagged([atom('ID'), params && params.length > 0 ? params.flat() : null], {
    utf8: false,
  });
}

/**
 * `* n FETCH (NAME value ...)`: items in the order given. Returns parts:
 * body literals given as {@link StreamedValue} stay streams for the session
 * to pipe between the surrounding buffers.
 */
export function fetchResponse(
  sequence: number,
  items: ReadonlyArray<readonly [string, ResponseValue]>,
  options: EncodeOptions,
): ResponsePart[] {
  const writer = new ResponseWriter(options).raw(`* ${sequence} FETCH (`);
  items.forEach(([name, value], i) => {
    writer.raw(i === 0 ? `${name} ` : ` ${name} `).value(value);
  });
  return writer.raw(')\r\n').finish();
}
