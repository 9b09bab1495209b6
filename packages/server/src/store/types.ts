import type { Readable } from 'node:stream';
import type { ByteReplacement } from './byte-edit.js';
import type { MailboxDelta } from './delta.js';
import type { QueueDomainsTable, QueueMessagesTable, QueueRecipientsTable } from './queue-schema.js';
import type { MessageFilterResultsTable, QuarantineTable } from './schema.js';
import type {
  AppendInput,
  CopyResult,
  CreateMailboxOptions,
  ExpungeOptions,
  ExpungeResult,
  FlagChange,
  MailboxChanges,
  MailNotifier,
  MessageRecord,
  MoveResult,
  SetFlagsResult,
  UidList,
  UidSet,
} from './view-types.js';

export * from './view-types.js';

/** The hierarchy delimiter of mailbox names (RFC 9051 §5.1). */
export const MAILBOX_DELIMITER = '/';

/**
 * The five mailboxes every user has, with their RFC 6154 special-use. They
 * are subscribed when made, and cannot be deleted or renamed (MAILBOX_PROTECTED;
 * the store files mail into them by name), except that INBOX may be renamed
 * as RFC 9051 §6.3.6 says: its messages move to the new mailbox and INBOX stays, empty.
 */
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

/**
 * A mailbox with its IMAP state and counters. Every counter changes in the
 * same transaction as the rows it counts, so STATUS never scans messages.
 */
export interface Mailbox {
  id: string;
  /**
   * UTF-8 name, hierarchy delimiter `/` (see `MAILBOX_DELIMITER`); `INBOX`
   * is always spelled so. IMAP encodes it as modified UTF-7 on the wire
   * unless UTF8=ACCEPT is enabled; the store never sees that encoding.
   */
  name: string;
  /** RFC 6154 special-use attribute (`\Sent`, `\Drafts`, `\Junk`, `\Trash`, `\Archive`) or null. */
  specialUse: string | null;
  /** RFC 9051 §2.3.1.1. A name used again after a delete or rename always gets a different value. */
  uidValidity: number;
  /** The UID the next message placed here will get (RFC 9051 STATUS UIDNEXT). */
  uidNext: number;
  /** RFC 7162 HIGHESTMODSEQ: the modseq of the latest change in this mailbox (0 when none yet). */
  highestModseq: number;
  /** Messages (STATUS MESSAGES). */
  total: number;
  /** Messages without `\Seen` (STATUS UNSEEN). */
  unread: number;
  /** Messages with `\Deleted` (STATUS DELETED, RFC 9051 §6.3.11). */
  deleted: number;
  /** Sum of the messages' sizes in bytes (STATUS SIZE, RFC 8438). */
  size: number;
  /** Whether the name is on the user's subscription list (LSUB, LIST (SUBSCRIBED)). */
  subscribed: boolean;
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
  /** `\Deleted`: marked for the next expunge (IMAP); the REST API's DELETE removes at once. */
  deleted: boolean;
  /** IMAP keywords (`$Junk`, `$NotJunk`, `$Forwarded`, user keywords), sorted. */
  keywords: string[];
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
  /**
   * Ends the body. `prefix`, when given, goes in front of everything written: bytes known only
   * once the rest has been read (the MX's `Authentication-Results` header). In memory that is
   * one copy more; a body already spilled to a file is rewritten once (see `blobs.ts`).
   * `replace`, when given, replaces one byte range of what was written (offsets not counting
   * `prefix`) in that same copy: the filter's tagged Subject field.
   */
  finish(prefix?: Buffer, replace?: ByteReplacement): Promise<FinishedBlob>;
  abort(): Promise<void>;
}

/** Bytes `start` (inclusive) to `end` (exclusive) of a body; past its end, what there is. */
export interface ByteRange {
  start: number;
  end: number;
}

/** Message bodies: immutable, addressed by blob id, shared by every recipient's row. */
export interface BlobStore {
  createWriter(): BlobWriter;
  /**
   * Streams a committed body, or only `range` of it (IMAP's BODY[1.2] and
   * partial fetches read a part without the bytes before it). A missing one
   * errors the stream with MESSAGE_NOT_FOUND.
   */
  read(blobId: string, range?: ByteRange): Readable;
  readBuffer(blobId: string): Promise<Buffer>;
  remove(blobId: string): Promise<void>;
}

export interface DeliveryTarget {
  userId: string;
  /** Mailbox name; defaults to INBOX. */
  mailbox?: string;
  seen?: boolean;
}

/** Where one delivered copy was placed: what a notifier publishes and IMAP's APPENDUID reports. */
export interface Placed {
  messageId: string;
  userId: string;
  mailboxId: string;
  uid: number;
  modseq: number;
}

export interface DeliveryInput {
  /** A finished BlobWriter result, not yet committed. */
  blob: FinishedBlob;
  /** Local mailboxes to place it in; may be empty when `outbound` is given. */
  targets: DeliveryTarget[];
  index: MessageIndex;
  internalDate: number;
  /**
   * Outbound queue rows (`queue.planOutbound`) written by the same transaction
   * as the local copies: the message is in the queue or refused, never half.
   * Their blob ids are set by the store to `blob.blobId`.
   */
  outbound?: OutboundRows;
  /**
   * What the MX's mail authentication found (JSON, see `mail-auth`), written as one
   * `message_auth_results` row keyed by the blob in the delivery's transaction.
   */
  authResults?: string;
  /**
   * The filter's verdict (see `filter/pipeline.ts`), written as one
   * `message_filter_results` row keyed by the blob in the delivery's transaction.
   */
  filterResult?: MessageFilterResultsTable;
  /**
   * Quarantine rows holding the body for an administrator (their `blob_id` is
   * set by the store); a delivery may then have no target.
   */
  quarantine?: QuarantineTable[];
}

/** One queued message as rows: the message, a job per destination domain, and its recipients. */
export interface OutboundRows {
  message: QueueMessagesTable;
  domains: QueueDomainsTable[];
  recipients: QueueRecipientsTable[];
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
  answered?: boolean;
  draft?: boolean;
  /** `\Deleted` (IMAP: expunged at the client's next EXPUNGE). */
  deleted?: boolean;
  /** Replaces the keywords (validated as `validKeyword`); absent leaves them. */
  keywords?: string[];
  /** Name of the mailbox to move the message to. */
  mailbox?: string;
}

/**
 * A user's storage quota (RFC 9208 resource STORAGE, which counts in units
 * of 1024 octets: report `ceil(usedBytes / 1024)` and `quotaBytes / 1024`).
 * One quota root per user, covering every mailbox.
 */
export interface QuotaStatus {
  /** Bytes allowed; 0 = unlimited (IMAP then reports the root with no resources). */
  quotaBytes: number;
  /** Sum of the sizes of all the user's messages (a copy counts again; it shares the body on disk). */
  usedBytes: number;
  /** Messages over all the user's mailboxes (RFC 9208 MESSAGE resource usage; no limit is set on it). */
  messages: number;
}

/**
 * Accounts' mailboxes and messages. Every counter changes in the same
 * transaction as the rows it counts, and every change to a message in a
 * mailbox writes its change-journal row (mailbox, modseq, uid, kind) in that
 * transaction too; after the commit the store publishes it on `notifier`.
 * Operations that take a `mailboxId` also take the `userId` it must belong
 * to: another user's mailbox is MAILBOX_NOT_FOUND.
 */
export interface MailStore {
  readonly blobs: BlobStore;
  /** Told after every committed change (deliveries included). */
  readonly notifier: MailNotifier;
  /**
   * Makes one message durable in every target mailbox: a body that went to a
   * file is renamed into place and its directory fsynced; then one transaction
   * writes an inline body, allocates UIDs, inserts the rows and their journal
   * rows and updates counters and used bytes. Concurrent calls are
   * group-committed (one directory fsync, one DB commit and one log flush for
   * up to `maxBatch`). Resolves only when durable; the returned ids and
   * placements are in target order.
   */
  deliver(input: DeliveryInput): Promise<{ messageIds: string[]; placed: Placed[] }>;
  /**
   * Stores a client's message in one mailbox (IMAP APPEND) with its flags and
   * internal date: QUOTA_EXCEEDED when the user's used bytes would pass
   * their quota (IMAP `NO [OVERQUOTA]`), MAILBOX_NOT_FOUND when the mailbox
   * is gone (`NO [TRYCREATE]`). The body must have gone through `mail/ingest`
   * (size limit, line endings): use `MailService.append`, which does.
   */
  append(input: AppendInput): Promise<Placed>;

  // ── mailboxes ─────────────────────────────────────────────────────────
  /** Creates INBOX, Sent, Drafts, Junk and Trash for a new user, subscribed. */
  createDefaultMailboxes(userId: string): Promise<void>;
  /** The user's mailboxes: the default five in their usual order, then the others by name. */
  listMailboxes(userId: string): Promise<Mailbox[]>;
  /** One mailbox by name (`INBOX` in any case); MAILBOX_NOT_FOUND when absent. */
  getMailbox(userId: string, name: string): Promise<Mailbox>;
  /** One mailbox by id; MAILBOX_NOT_FOUND when deleted (or not the user's). */
  getMailboxById(userId: string, mailboxId: string): Promise<Mailbox>;
  /**
   * Creates a mailbox (RFC 9051 §6.3.4), and its missing parents (`a/b/c`
   * makes `a` and `a/b` as ordinary mailboxes). Names: see `checkMailboxName`
   * (MAILBOX_NAME_INVALID); MAILBOX_EXISTS when the name is taken (INBOX in
   * any case included); a new UIDVALIDITY, never one the name had before.
   */
  createMailbox(userId: string, name: string, options?: CreateMailboxOptions): Promise<Mailbox>;
  /**
   * Renames a mailbox and every mailbox under it (`a` → `b` renames `a/x` to
   * `b/x`), keeping ids, UIDs and UIDVALIDITY; subscriptions follow. Missing
   * parents of the new name are created. MAILBOX_EXISTS when the new name
   * (or a child's) is taken; MAILBOX_NAME_INVALID when it is inside the
   * mailbox itself. Renaming INBOX (RFC 9051 §6.3.6) creates the new mailbox,
   * moves INBOX's messages there (same UIDs; INBOX journals their expunge) and
   * leaves INBOX empty; INBOX's children are not renamed. Returns the mailbox
   * now called `to`.
   */
  renameMailbox(userId: string, from: string, to: string): Promise<Mailbox>;
  /**
   * Deletes a mailbox with its messages (RFC 9051 §6.3.5), releasing bodies
   * no other message references. Refused: INBOX and the other default
   * mailboxes (MAILBOX_PROTECTED), a mailbox with children
   * (MAILBOX_HAS_CHILDREN: delete those first; no `\Noselect` mailboxes
   * exist). Its subscription is kept (RFC 9051 §6.3.10).
   */
  deleteMailbox(userId: string, name: string): Promise<void>;
  /** SUBSCRIBE / UNSUBSCRIBE (RFC 9051 §6.3.7-8): any valid name, existing or not. */
  setSubscribed(userId: string, name: string, subscribed: boolean): Promise<void>;
  /** The subscribed names, existing or not, sorted (LSUB; LIST (SUBSCRIBED) marks missing ones `\NonExistent`). */
  listSubscriptions(userId: string): Promise<string[]>;

  // ── a mailbox's session view (IMAP) ──────────────────────────────────
  /** Every message's UID (and modseq and flags unless `uidsOnly`) as typed arrays: SELECT. */
  loadUidList(userId: string, mailboxId: string, options?: { uidsOnly?: boolean }): Promise<UidList>;
  /** What changed after `modseq` (exclusive): a session's sync, CONDSTORE CHANGEDSINCE, QRESYNC. */
  changesSince(userId: string, mailboxId: string, modseq: number): Promise<MailboxChanges>;
  /**
   * The messages of `uids` that exist, ascending UID, in pages (a FETCH of
   * 1:* over a large mailbox never holds every record); with `changedSince`
   * only those whose modseq is above it (RFC 7162 §3.1.4).
   */
  fetchMessages(
    userId: string,
    mailboxId: string,
    uids: UidSet,
    options?: { changedSince?: number },
  ): AsyncIterable<MessageRecord>;
  /** STORE (RFC 9051 §6.4.6, RFC 7162 §3.1.3); one new modseq for every message it changes. */
  setFlags(userId: string, mailboxId: string, uids: UidSet, change: FlagChange): Promise<SetFlagsResult>;
  /**
   * COPY (RFC 9051 §6.4.7, RFC 4315 COPYUID): new rows with new UIDs and the
   * same flags sharing the body; used bytes grow by each copy (QUOTA_EXCEEDED
   * past the quota, nothing copied). Copying into the source is allowed.
   */
  copyMessages(userId: string, fromMailboxId: string, uids: UidSet, toMailboxId: string): Promise<CopyResult>;
  /** MOVE (RFC 6851): new UIDs in the destination, expunged from the source, ids kept; quota unchanged. */
  moveMessages(userId: string, fromMailboxId: string, uids: UidSet, toMailboxId: string): Promise<MoveResult>;
  /** EXPUNGE / UID EXPUNGE; releases bodies no message references any more, after the commit. */
  expunge(userId: string, mailboxId: string, options?: ExpungeOptions): Promise<ExpungeResult>;

  // ── REST / webmail, by message id ────────────────────────────────────
  listMessages(
    userId: string,
    options: ListMessagesOptions,
  ): Promise<{ items: MessageSummary[]; nextCursor: string | null }>;
  getMessage(userId: string, messageId: string): Promise<MessageSummary>;
  /** Flags, keywords and a move, through `setFlags` and `moveMessages`: journaled and published alike. */
  updateMessage(userId: string, messageId: string, patch: MessagePatch): Promise<MessageSummary>;
  /** Copies a message into the mailbox called `mailbox`; returns the copy. */
  copyMessage(userId: string, messageId: string, mailbox: string): Promise<MessageSummary>;
  /** Expunges a message at once (whatever its `\Deleted` flag), through `expunge`. */
  deleteMessage(userId: string, messageId: string): Promise<void>;
  /** The mail authentication results stored with a body (`DeliveryInput.authResults`), or null. */
  authResultsOf(blobId: string): Promise<string | null>;
  /** The filter's verdict stored with a body (`DeliveryInput.filterResult`), or null. */
  filterResultOf(blobId: string): Promise<MessageFilterResultsTable | null>;

  // ── counts, quota, upkeep ────────────────────────────────────────────
  /** Unread and total over the mailboxes that hold new mail (all but Sent, Drafts, Junk, Trash). */
  unreadCount(userId: string): Promise<{ unread: number; total: number }>;
  unreadCounts(userIds: string[]): Promise<Map<string, { unread: number; total: number }>>;
  /** RFC 9208 QUOTA / GETQUOTAROOT: one root (`""`) per user over every mailbox. */
  quota(userId: string): Promise<QuotaStatus>;
  /**
   * Deletes journal rows older than the retention (`journalRetentionMs`),
   * raising each mailbox's floor so `changesSince` knows what it no longer
   * has. Main runs it periodically; returns the rows removed.
   */
  pruneJournal(now?: number): Promise<number>;
  /**
   * Delta sync over all of a user's folders from an opaque token (none: a
   * full listing); see `store/delta.ts`. SYNC_TOKEN_EXPIRED when the token
   * can no longer be answered exactly (resync), INVALID_CURSOR when malformed.
   */
  mailboxDelta(userId: string, options: { since?: string; limit: number }): Promise<MailboxDelta>;
  /** Stops accepting deliveries and waits for pending commits. */
  close(): Promise<void>;
}
