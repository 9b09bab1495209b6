import type { Address, MessageRecord } from '../../../store/index.js';
import type { SortCriterion, SortKey } from '../../protocol/index.js';
import { asciiCasemap, subjectKey } from './base-subject.js';

/** One message to sort: its sequence number and UID, and its record (the delivery index holds what SORT reads). */
export interface Sortable {
  readonly seq: number;
  readonly uid: number;
  readonly record: MessageRecord;
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

function keyOf(key: SortKey, record: MessageRecord): Key {
  const index = record.index;
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
  const keyed = messages.map((m) => ({ m, keys: criteria.map((c) => keyOf(c.key, m.record)) }));
  keyed.sort((x, y) => {
    for (let i = 0; i < criteria.length; i++) {
      const order = compare(x.keys[i] as Key, y.keys[i] as Key);
      if (order !== 0) return (criteria[i] as SortCriterion).reverse ? -order : order;
    }
    return x.m.seq - y.m.seq;
  });
  return keyed.map((k) => k.m);
}
