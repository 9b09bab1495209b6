import type { Readable } from 'node:stream';

/** The five mailboxes every user has, with their RFC 6154 special-use. */
export const DEFAULT_MAILBOXES = [
  { name: 'INBOX', specialUse: null },
  { name: 'Sent', specialUse: '\\Sent' },
  { name: 'Drafts', specialUse: '\\Drafts' },
  { name: 'Junk', specialUse: '\\Junk' },
  { name: 'Trash', specialUse: '\\Trash' },
] as const;

/** Mailboxes whose unread mail does not count as "new mail" for a portal. */
export const NOT_NEW_MAIL = ['Sent', 'Drafts', 'Junk', 'Trash'] as const;

export interface Address {
  name: string;
  address: string;
}

/** Index fields taken from a message's header and body at delivery. */
export interface MessageIndex {
  from: Address;
  to: Address[];
  cc: Address[];
  subject: string;
  /** Date header, epoch ms; null when absent or unparsable. */
  date: number | null;
  messageId: string | null;
  /** First ~200 characters of the text body, whitespace collapsed. */
  preview: string;
  hasAttachments: boolean;
}

export interface Mailbox {
  id: string;
  name: string;
  specialUse: string | null;
  uidValidity: number;
  uidNext: number;
  highestModseq: number;
  total: number;
  unread: number;
  size: number;
}

export interface MessageSummary extends MessageIndex {
  id: string;
  mailbox: string;
  uid: number;
  modseq: number;
  unread: boolean;
  flagged: boolean;
  answered: boolean;
  draft: boolean;
  size: number;
  internalDate: number;
  blobId: string;
}

/** A finished body: small ones are carried in memory to the delivery's transaction, large ones wait in a temp file. */
export interface FinishedBlob {
  blobId: string;
  size: number;
  /**
   * The whole body, when it is at most the store's inline limit: it is written
   * into the database by the same transaction as the message rows. Absent when
   * the body went to a file, which is fsynced by `finish()` and moved into
   * place by the delivery.
   */
  data?: Buffer;
  /**
   * `data` is the whole of an ArrayBuffer that nothing else refers to: the store
   * may move that memory to the committer's thread instead of copying it, after
   * which `data` is empty here. Set by the store's own writer.
   */
  ownsMemory?: boolean;
}

/**
 * A message body being written. It is kept in memory up to the store's inline
 * limit; past it, it spills to a temp file that `finish()` fsyncs. `abort()`
 * drops it, temp file included.
 */
export interface BlobWriter {
  /** Appends bytes. The writer may keep `chunk` until it flushes: do not modify it afterwards. */
  write(chunk: Buffer): Promise<void>;
  finish(): Promise<FinishedBlob>;
  abort(): Promise<void>;
}

/** Message bodies: immutable, addressed by blob id, shared by every recipient's row. */
export interface BlobStore {
  createWriter(): BlobWriter;
  /** Streams a committed body. A missing one errors the stream with MESSAGE_NOT_FOUND. */
  read(blobId: string): Readable;
  readBuffer(blobId: string): Promise<Buffer>;
  remove(blobId: string): Promise<void>;
}

export interface DeliveryTarget {
  userId: string;
  /** Mailbox name; defaults to INBOX. */
  mailbox?: string;
  seen?: boolean;
}

export interface DeliveryInput {
  /** A finished BlobWriter result, not yet committed. */
  blob: FinishedBlob;
  targets: DeliveryTarget[];
  index: MessageIndex;
  internalDate: number;
}

export interface ListMessagesOptions {
  mailbox: string;
  unread?: boolean;
  limit: number;
  /** Opaque cursor from a previous page's `nextCursor`. */
  cursor?: string;
}

export interface MessagePatch {
  unread?: boolean;
  flagged?: boolean;
  /** Name of the mailbox to move the message to. */
  mailbox?: string;
}

export interface QuotaStatus {
  quotaBytes: number;
  usedBytes: number;
}

/** Accounts' mailboxes and messages. Every counter changes in the same transaction as the rows it counts. */
export interface MailStore {
  readonly blobs: BlobStore;
  /**
   * Makes one message durable in every target mailbox: a body that went to a
   * file is renamed into place and its directory fsynced; then one transaction
   * writes an inline body, allocates UIDs, inserts the rows and updates
   * counters and used bytes. Concurrent calls are group-committed (one
   * directory fsync, one DB commit and one log flush for up to `maxBatch`).
   * Resolves only when durable; the returned ids are in target order.
   */
  deliver(input: DeliveryInput): Promise<{ messageIds: string[] }>;
  /** Creates INBOX, Sent, Drafts, Junk and Trash for a new user. */
  createDefaultMailboxes(userId: string): Promise<void>;
  listMailboxes(userId: string): Promise<Mailbox[]>;
  listMessages(
    userId: string,
    options: ListMessagesOptions,
  ): Promise<{ items: MessageSummary[]; nextCursor: string | null }>;
  getMessage(userId: string, messageId: string): Promise<MessageSummary>;
  updateMessage(userId: string, messageId: string, patch: MessagePatch): Promise<MessageSummary>;
  deleteMessage(userId: string, messageId: string): Promise<void>;
  /** Unread and total over the mailboxes that hold new mail (all but Sent, Drafts, Junk, Trash). */
  unreadCount(userId: string): Promise<{ unread: number; total: number }>;
  unreadCounts(userIds: string[]): Promise<Map<string, { unread: number; total: number }>>;
  quota(userId: string): Promise<QuotaStatus>;
  /** Stops accepting deliveries and waits for pending commits. */
  close(): Promise<void>;
}
