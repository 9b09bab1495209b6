import type { Address, MessageRecord } from '../../../store/index.js';
import type { SortCriterion, SortKey } from '../../protocol/index.js';
import { parseAddressList } from '../fetch/address-list.js';
import { decodeHeaderValue } from '../search/header-text.js';
import { asciiCasemap, subjectKey } from './base-subject.js';

/** One message to sort: its sequence number and UID, and its record (the delivery index holds what SORT reads). */
export interface Sortable {
  readonly seq: number;
  readonly uid: number;
  readonly record: MessageRecord;
  /** The raw From, To and Cc header values, for the address keys (see {@link ADDRESS_KEYS}). */
  readonly addresses?: AddressFields;
}

/** Raw address header values (byte strings), as the MIME parser keeps them. */
export type AddressFields = Readonly<Partial<Record<'from' | 'to' | 'cc', string>>>;

/**
 * Keys read from the header, not the delivery index: they take the first
 * entry of the address list as the ENVELOPE has it, and the index keeps no
 * group (RFC 5256 §3: a group's name is the addr-mailbox of its first
 * entry) and no address without a domain (imaptest sort-addresses,
 * sort-display-from, sort-display-to).
 */
export const ADDRESS_KEYS: ReadonlySet<SortKey> = new Set(['FROM', 'TO', 'CC', 'DISPLAYFROM', 'DISPLAYTO']);

/** The first entry of an address header: a group's name, or an address's decoded name, mailbox and host. */
type FirstEntry =
  | { readonly group: string }
  | { readonly name: string; readonly mailbox: string; readonly host: string };

function firstEntry(value: string | undefined): FirstEntry | null {
  const first = value === undefined ? undefined : parseAddressList(value)[0];
  if (!first) return null;
  if ('group' in first) return { group: decodeHeaderValue(first.group) };
  return { name: decodeHeaderValue(first.name ?? '').trim(), mailbox: first.mailbox, host: first.host };
}

/** RFC 5256 §3 FROM/TO/CC from the header: the first entry's addr-mailbox (a group's name). */
function headerMailboxKey(value: string | undefined): string {
  const entry = firstEntry(value);
  if (!entry) return '';
  return asciiCasemap('group' in entry ? entry.group : entry.mailbox);
}

/** RFC 5957 §2 DISPLAYFROM/DISPLAYTO from the header: the display name, else the addr-spec (a group's name). */
function headerDisplayKey(value: string | undefined): string {
  const entry = firstEntry(value);
  if (!entry) return '';
  const shown = 'group' in entry ? entry.group : entry.name || `${entry.mailbox}@${entry.host}`;
  return shown.normalize('NFKC').toLowerCase();
}

/**
 * The sent date (RFC 5256 §2.2): the Date header, or the internal date when
 * the header is missing or unparsable. Epoch ms, so time zones compare right.
 */
export function sentDate(record: MessageRecord): number {
  return record.index.date ?? record.internalDate;
}

/** addr-mailbox of an address: its local part (RFC 5256 §3 FROM, TO, CC); empty when there is none. */
function mailboxOf(address: Address | undefined): string {
  if (!address?.address) return '';
  const at = address.address.lastIndexOf('@');
  return asciiCasemap(at < 0 ? address.address : address.address.slice(0, at));
}

/** RFC 5957 §2: the display name, or the address when there is none. */
function displayOf(address: Address | undefined): string {
  if (!address) return '';
  return (address.name.trim() || address.address).normalize('NFKC').toLowerCase();
}

type Key = number | string;

function keyOf(key: SortKey, message: Sortable): Key {
  const { record, addresses } = message;
  const index = record.index;
  if (addresses && ADDRESS_KEYS.has(key)) {
    if (key === 'DISPLAYFROM') return headerDisplayKey(addresses.from);
    if (key === 'DISPLAYTO') return headerDisplayKey(addresses.to);
    return headerMailboxKey(addresses[key.toLowerCase() as 'from' | 'to' | 'cc']);
  }
  switch (key) {
    case 'ARRIVAL':
      return record.internalDate;
    case 'DATE':
      return sentDate(record);
    case 'SIZE':
      return record.size;
    case 'SUBJECT':
      return subjectKey(index.subject);
    case 'FROM':
      return mailboxOf(index.from);
    case 'TO':
      return mailboxOf(index.to[0]);
    case 'CC':
      return mailboxOf(index.cc[0]);
    case 'DISPLAYFROM':
      return displayOf(index.from.address || index.from.name ? index.from : undefined);
    case 'DISPLAYTO':
      return displayOf(index.to[0]);
  }
}

function compare(a: Key, b: Key): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Sorts messages by the criteria (RFC 5256 §3, RFC 5957), each possibly
 * REVERSE; messages equal on every criterion stay in sequence-number order.
 * Keys are computed once per message.
 */
export function sortMessages(messages: readonly Sortable[], criteria: readonly SortCriterion[]): Sortable[] {
  const keyed = messages.map((m) => ({ m, keys: criteria.map((c) => keyOf(c.key, m)) }));
  keyed.sort((x, y) => {
    for (let i = 0; i < criteria.length; i++) {
      const order = compare(x.keys[i] as Key, y.keys[i] as Key);
      if (order !== 0) return (criteria[i] as SortCriterion).reverse ? -order : order;
    }
    return x.m.seq - y.m.seq;
  });
  return keyed.map((k) => k.m);
}
