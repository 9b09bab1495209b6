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

/**
 * A message body being written to the blob store. Bytes go to a temp file;
 * `finish()` fsyncs it; `commit` (inside `MailStore.deliver`) renames it into
 * place and fsyncs the directory. `abort()` removes the temp file.
 */
export interface BlobWriter {
  /** Appends bytes. The writer may keep `chunk` until it flushes: do not modify it afterwards. */
  write(chunk: Buffer): Promise<void>;
  /** Flushes and fsyncs the temp file; returns its blob id and size. */
  finish(): Promise<{ blobId: string; size: number }>;
  abort(): Promise<void>;
}

export interface BlobStore {
  createWriter(): BlobWriter;
  /** Streams a committed blob. */
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
  /** A finished (fsynced) BlobWriter result, not yet committed. */
  blob: { blobId: string; size: number };
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
   * Makes one message durable in every target mailbox: the blob is renamed
   * into place and its directory fsynced, then one transaction allocates UIDs,
   * inserts the rows and updates counters and used bytes. Concurrent calls are
   * group-committed (one dir fsync and one DB commit for up to `maxBatch`).
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
