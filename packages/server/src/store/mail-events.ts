/**
 * The `message.*` and `mailbox.*` events the store writes, built from what
 * each change already has in hand: enough for a portal to show a new
 * message without another call. Their schemas are in `events/catalogue.ts`.
 *
 * A change to many messages is coalesced: messages changed the same way go
 * into one event listing their ids, at most `IDS_PER_EVENT` per event, so
 * that a STORE or an expunge of 10,000 messages writes 10 rows, not 10,000.
 */
import type { Transaction } from 'kysely';
import { AppError } from '../shared/index.js';
import { domainOf, type EventType, type NewEvent } from './event-log.js';
import { bitsOf, keywordsOf } from './rows.js';
import type { DB, MessagesTable } from './schema.js';
import type { DeliveryInput } from './types.js';
import { FLAG, type FlagBits } from './view-types.js';

/** Most message ids in one `message.updated` or `message.deleted` event. */
export const IDS_PER_EVENT = 1000;

/** The mailbox owner's address (events are addressed by it, not by the internal user id). */
export async function ownerAddress(trx: Transaction<DB>, userId: string): Promise<string> {
  const row = await trx.selectFrom('users').select('address').where('id', '=', userId).executeTakeFirst();
  if (!row) throw new AppError('USER_NOT_FOUND');
  return row.address;
}

const event = (type: EventType, address: string, data: Record<string, unknown>): NewEvent => ({
  type,
  domain: domainOf(address),
  address,
  data: { address, ...data },
});

/** One placed copy of a delivery. */
export interface PlacedCopy {
  address: string;
  mailbox: string;
  id: string;
  uid: number;
  unread: boolean;
}

/** `message.new` for one placed copy of a delivery. */
export function messageNewEvent(
  input: Pick<DeliveryInput, 'index' | 'blob' | 'internalDate'>,
  copy: PlacedCopy,
): NewEvent {
  const { index } = input;
  return event('message.new', copy.address, {
    mailbox: copy.mailbox,
    id: copy.id,
    uid: copy.uid,
    messageId: index.messageId,
    from: { name: index.from.name, address: index.from.address },
    subject: index.subject,
    preview: index.preview,
    size: input.blob.size,
    hasAttachments: index.hasAttachments,
    unread: copy.unread,
    receivedAt: new Date(input.internalDate).toISOString(),
  });
}

/** `message.new` for a row placed by APPEND or COPY. */
export function rowNewEvent(address: string, mailbox: string, row: MessagesTable): NewEvent {
  return event('message.new', address, {
    mailbox,
    id: row.id,
    uid: Number(row.uid),
    messageId: row.message_id,
    from: { name: row.from_name, address: row.from_address },
    subject: row.subject,
    preview: row.preview,
    size: Number(row.size),
    hasAttachments: !!row.has_attachments,
    unread: !row.seen,
    receivedAt: new Date(Number(row.internal_date)).toISOString(),
  });
}

/** Splits `items` into events of at most IDS_PER_EVENT ids. */
function chunked<T extends { id: string; uid: number }>(
  items: readonly T[],
  make: (ids: string[], uids: number[], part: readonly T[]) => NewEvent,
): NewEvent[] {
  const out: NewEvent[] = [];
  for (let i = 0; i < items.length; i += IDS_PER_EVENT) {
    const part = items.slice(i, i + IDS_PER_EVENT);
    out.push(
      make(
        part.map((x) => x.id),
        part.map((x) => x.uid),
        part,
      ),
    );
  }
  return out;
}

const FLAG_NAMES = [
  ['seen', FLAG.seen],
  ['flagged', FLAG.flagged],
  ['answered', FLAG.answered],
  ['draft', FLAG.draft],
  ['deleted', FLAG.deleted],
] as const;

/** What changed between two flag states: the new value of each flag that changed, keywords added and removed. */
function diff(before: { bits: FlagBits; keywords: string[] }, after: { bits: FlagBits; keywords: string[] }) {
  const flags: Record<string, boolean> = {};
  for (const [name, bit] of FLAG_NAMES)
    if ((before.bits & bit) !== (after.bits & bit)) flags[name] = (after.bits & bit) !== 0;
  const had = new Set(before.keywords.map((k) => k.toLowerCase()));
  const has = new Set(after.keywords.map((k) => k.toLowerCase()));
  const added = after.keywords.filter((k) => !had.has(k.toLowerCase()));
  const removed = before.keywords.filter((k) => !has.has(k.toLowerCase()));
  const out: Record<string, unknown> = {};
  if (Object.keys(flags).length > 0) out.flags = flags;
  if (added.length > 0 || removed.length > 0) out.keywords = { added, removed };
  return out;
}

/** One message whose flags changed. */
export interface FlagChangeItem {
  id: string;
  uid: number;
  before: { bits: FlagBits; keywords: string[] };
  after: { bits: FlagBits; keywords: string[] };
}

/** The flags of a row as `FlagChangeItem` states take them. */
export const flagStateOf = (row: MessagesTable) => ({
  bits: bitsOf(row),
  keywords: keywordsOf(row.keywords),
});

/** `message.updated` events of a flag change: one per distinct change (and per IDS_PER_EVENT ids). */
export function flagEvents(address: string, mailbox: string, items: readonly FlagChangeItem[]): NewEvent[] {
  const groups = new Map<string, { change: Record<string, unknown>; items: FlagChangeItem[] }>();
  for (const item of items) {
    const change = diff(item.before, item.after);
    const key = JSON.stringify(change);
    const group = groups.get(key) ?? { change, items: [] };
    group.items.push(item);
    groups.set(key, group);
  }
  return [...groups.values()].flatMap((g) =>
    chunked(g.items, (ids, uids) => event('message.updated', address, { mailbox, ids, uids, ...g.change })),
  );
}

/** `message.updated` events of a move: the ids stay, the UIDs are new in `to`. */
export function movedEvents(
  address: string,
  from: string,
  to: string,
  items: ReadonlyArray<{ id: string; uid: number; newUid: number }>,
): NewEvent[] {
  return chunked(items, (ids, uids, part) =>
    event('message.updated', address, {
      mailbox: from,
      ids,
      uids,
      moved: { to, ids, uids: part.map((x) => x.newUid) },
    }),
  );
}

/** `message.deleted` events of an expunge. */
export function deletedEvents(
  address: string,
  mailbox: string,
  items: ReadonlyArray<{ id: string; uid: number }>,
): NewEvent[] {
  return chunked(items, (ids, uids) => event('message.deleted', address, { mailbox, ids, uids }));
}

/** A `mailbox.*` event. */
export const mailboxEvent = (
  type: 'mailbox.created' | 'mailbox.renamed' | 'mailbox.deleted',
  address: string,
  data: Record<string, unknown>,
): NewEvent => event(type, address, data);
