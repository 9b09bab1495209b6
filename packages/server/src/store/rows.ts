import type { MessagesTable } from './schema.js';
import type { Address, DeliveryInput, MessageSummary } from './types.js';

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
    seen: at.seen ? 1 : 0,
    flagged: 0,
    answered: 0,
    draft: 0,
    deleted: 0,
    keywords: '[]',
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
