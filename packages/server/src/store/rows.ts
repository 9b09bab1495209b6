import type { MessagesTable } from './schema.js';
import type { Address, DeliveryInput, MessageIndex, MessageSummary } from './types.js';
import { FLAG, type FlagBits, type FlagState, type MessageRecord } from './view-types.js';

/** A message row joined with its mailbox's name. */
export type MessageRow = MessagesTable & { mailbox_name: string };

/** Parses a JSON address list column; a damaged value reads as empty rather than failing the whole list. */
function addresses(json: string): Address[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? (value as Address[]) : [];
  } catch {
    return [];
  }
}

/** Parses the keywords column; a damaged value reads as none. */
export function keywordsOf(json: string): string[] {
  if (json === '[]') return [];
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((k): k is string => typeof k === 'string') : [];
  } catch {
    return [];
  }
}

/** Row → API shape: JSON columns parsed, 0/1 → boolean, `unread = !seen`. */
export function toSummary(row: MessageRow): MessageSummary {
  return {
    id: row.id,
    mailbox: row.mailbox_name,
    uid: Number(row.uid),
    modseq: Number(row.modseq),
    unread: !row.seen,
    flagged: !!row.flagged,
    answered: !!row.answered,
    draft: !!row.draft,
    deleted: !!row.deleted,
    keywords: keywordsOf(row.keywords),
    size: Number(row.size),
    internalDate: Number(row.internal_date),
    blobId: row.blob_id,
    from: { name: row.from_name, address: row.from_address },
    to: addresses(row.to_json),
    cc: addresses(row.cc_json),
    subject: row.subject,
    date: row.date === null ? null : Number(row.date),
    messageId: row.message_id,
    preview: row.preview,
    hasAttachments: !!row.has_attachments,
  };
}

/** Where one delivered copy goes, decided by the committer under the mailbox row lock. */
export interface Placement {
  id: string;
  mailboxId: string;
  userId: string;
  uid: number;
  modseq: number;
  seen: boolean;
  /** All the flags (APPEND); when given, `seen` is ignored. */
  flags?: FlagBits;
  /** Normalized keywords (APPEND). */
  keywords?: readonly string[];
}

/** The row for one delivered copy of `input`. */
export function newMessageRow(input: DeliveryInput, at: Placement): MessagesTable {
  const { index } = input;
  return {
    id: at.id,
    mailbox_id: at.mailboxId,
    user_id: at.userId,
    uid: at.uid,
    modseq: at.modseq,
    ...flagColumns(at.flags ?? (at.seen ? FLAG.seen : 0)),
    keywords: at.keywords?.length ? JSON.stringify(at.keywords) : '[]',
    internal_date: input.internalDate,
    size: input.blob.size,
    from_name: index.from.name,
    from_address: index.from.address,
    to_json: JSON.stringify(index.to),
    cc_json: JSON.stringify(index.cc),
    subject: index.subject,
    date: index.date,
    message_id: index.messageId,
    preview: index.preview,
    has_attachments: index.hasAttachments ? 1 : 0,
    blob_id: input.blob.blobId,
  };
}

/** The `FLAG` bits of a message row. */
export const bitsOf = (
  row: Pick<MessagesTable, 'seen' | 'answered' | 'flagged' | 'deleted' | 'draft'>,
): FlagBits =>
  (row.seen ? FLAG.seen : 0) |
  (row.answered ? FLAG.answered : 0) |
  (row.flagged ? FLAG.flagged : 0) |
  (row.deleted ? FLAG.deleted : 0) |
  (row.draft ? FLAG.draft : 0);

/** The flag columns for `FLAG` bits. */
export const flagColumns = (bits: FlagBits) => ({
  seen: bits & FLAG.seen ? 1 : 0,
  answered: bits & FLAG.answered ? 1 : 0,
  flagged: bits & FLAG.flagged ? 1 : 0,
  deleted: bits & FLAG.deleted ? 1 : 0,
  draft: bits & FLAG.draft ? 1 : 0,
});

/** A row's flags as `FlagState`. */
export const flagStateOf = (row: MessagesTable): FlagState => ({
  uid: Number(row.uid),
  modseq: Number(row.modseq),
  flags: bitsOf(row),
  keywords: keywordsOf(row.keywords),
});

/** A row's index fields as `MessageIndex`. */
export const indexOf = (row: MessagesTable): MessageIndex => ({
  from: { name: row.from_name, address: row.from_address },
  to: addresses(row.to_json),
  cc: addresses(row.cc_json),
  subject: row.subject,
  date: row.date === null ? null : Number(row.date),
  messageId: row.message_id,
  preview: row.preview,
  hasAttachments: !!row.has_attachments,
});

/** A row as FETCH needs it. */
export const recordOf = (row: MessagesTable): MessageRecord => ({
  ...flagStateOf(row),
  id: row.id,
  internalDate: Number(row.internal_date),
  size: Number(row.size),
  blobId: row.blob_id,
  index: indexOf(row),
});
