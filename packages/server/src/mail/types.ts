import type { Readable } from 'node:stream';
import type { AuthResults } from '../mail-auth/index.js';
import type {
  Address,
  CreateMailboxOptions,
  FlagBits,
  Mailbox,
  MailboxDelta,
  MessagePatch,
  MessageSummary,
  Placed,
} from '../store/index.js';
import type { AttachmentStream } from './attachment.js';
import type { OutboundInput } from './outbound.js';

export type { Address, AttachmentStream, Mailbox, MessagePatch, MessageSummary, OutboundInput };

/** A message a client stores (IMAP APPEND). */
/** Where an APPEND puts a message, and with which flags and date. */
export interface AppendTarget {
  mailboxId: string;
  flags?: FlagBits;
  keywords?: readonly string[];
  /** Epoch ms; default now. */
  internalDate?: number;
}

export interface AppendInput extends AppendTarget {
  userId: string;
  /** The message as the client sent it; stored byte for byte but for line endings (CRLF), unless `verbatim`. */
  stream: Readable;
  /**
   * Keep every byte, bare LFs and NULs included: the message is binary content
   * (an IMAP APPEND literal8, RFC 3516 §4.4), whose parts a client reads back
   * exactly with FETCH BINARY. It is the user's own copy and never relayed, so
   * the SMTP smuggling defence of line-endings.ts does not apply.
   */
  verbatim?: boolean;
}

/**
 * An APPEND whose target is known only once the message has been read:
 * IMAP streams a message literal while its command (mailbox, flags, date)
 * is still arriving. `target` is called after the body is written; its
 * rejection (no such mailbox) discards the body.
 */
export interface DeferredAppendInput {
  userId: string;
  stream: Readable;
  /** As in {@link AppendInput}. */
  verbatim?: boolean;
  target: () => Promise<AppendTarget>;
}

/** Changes to a mailbox through the REST API. */
export interface MailboxPatch {
  /** The new name (RENAME). */
  name?: string;
  subscribed?: boolean;
}

export interface AttachmentInfo {
  /** The MIME part number (IMAP style, e.g. `2` or `1.2`): what the attachment download route takes. */
  id: string;
  /** Index of the attachment within the message (stable for one message). */
  index: number;
  filename: string | null;
  contentType: string;
  size: number;
  contentId: string | null;
  inline: boolean;
}

/** A message with its parsed body, for the API's single-message view. */
export interface MessageDetail extends MessageSummary {
  headers: { name: string; value: string }[];
  /** `Bcc:` (kept only in the sender's own copies: Sent, Drafts). */
  bcc: Address[];
  /** `Reply-To:`. */
  replyTo: Address[];
  /** `In-Reply-To:`; null without one. */
  inReplyTo: string | null;
  /** `References:`, oldest first. */
  references: string[];
  text: string | null;
  /** The HTML body as sent; clients must sanitize before rendering (webmail does). */
  html: string | null;
  attachments: AttachmentInfo[];
  /** What the MX's mail authentication found when the message arrived; null when it was not checked. */
  authentication: AuthResults | null;
  /** What the filter decided when the message arrived; null for mail that did not pass it, or an unscored accept with no reason. */
  filter: { verdict: string; score: number | null; reasons: string[] } | null;
  /**
   * The message could not be parsed in full (a MIME part past the parser's limits): headers,
   * text and attachments hold what was read before that point; the raw source has everything.
   */
  partial: boolean;
}

export type Recipient = string | Address;

/** An attachment given in the request itself. */
export interface InlineAttachmentInput {
  filename: string;
  contentType?: string;
  /** Base64 (RFC 4648 §4). */
  content: string;
  contentId?: string;
}

/** A file the sender uploaded beforehand (`POST /users/{a}/uploads`). */
export interface UploadAttachmentInput {
  uploadId: string;
  /** A name other than the upload's. */
  filename?: string;
  contentId?: string;
}

/**
 * Something of a stored message of the sender's: one of its attachments (forwarding inline,
 * re-opening a draft), or, without `attachmentId`, the whole message as `message/rfc822`
 * (forwarding as an attachment).
 */
export interface StoredAttachmentInput {
  fromMessage: string;
  attachmentId?: string;
  filename?: string;
  contentId?: string;
}

export type SendAttachmentInput = InlineAttachmentInput | UploadAttachmentInput | StoredAttachmentInput;

export interface SendInput {
  to?: Recipient[];
  cc?: Recipient[];
  /** Delivered, but left out of the delivered copies' headers; the Sent copy keeps `Bcc:`. */
  bcc?: Recipient[];
  replyTo?: Recipient[];
  inReplyTo?: string;
  references?: string[];
  subject: string;
  text?: string;
  html?: string;
  attachments?: SendAttachmentInput[];
  /** A draft of the sender's that this send replaces: deleted once the send is accepted. */
  draftId?: string;
}

/** Where an API send came from, for its `Received:` header. */
export interface SendContext {
  clientAddress: string;
}

/** Where a received message goes, resolved at RCPT time. */
export interface ReceiveTarget {
  userId: string;
  address: string;
}

export interface ReceiveInput {
  /** The message as received, without our trace header. */
  stream: Readable;
  /** Our `Received:` header line(s), CRLF-terminated, prepended to the stored message. */
  trace: string;
  targets: ReceiveTarget[];
  /** The envelope sender ('' = the null sender), for the trace. */
  mailFrom?: string;
  /**
   * Remote recipients, queued for delivery by the same transaction that stores the local copies
   * (RECIPIENT_NOT_LOCAL when the server has no outbound queue).
   */
  outbound?: OutboundInput;
  maxSize: number;
  /**
   * Called once the whole message has been read and before anything is stored: a check whose
   * outcome is known only at the end of DATA (the MX's mail authentication). It throws to refuse
   * the message, which then leaves nothing behind.
   */
  finalize?: () => Promise<ReceiveVerdict>;
  /**
   * The filter pipeline's run for this message (`filter/pipeline.ts`): asked, once the message
   * is read and authenticated, where each copy goes; it throws to refuse the message.
   */
  filter?: ReceiveFilter;
  /** Submission: add Message-ID/Date when missing and file a copy in the sender's Sent. */
  submission?: {
    senderUserId: string;
    /**
     * Count the message against the sender's `sending.*` limits (SEND_RATE_LIMITED past them):
     * the envelope sender (its domain's limits) and the number of envelope recipients.
     */
    rate?: { mailFrom: string; recipients: number };
    /**
     * Refuse the message (SENDER_NOT_ALLOWED) unless every address of its From and Sender
     * headers is the sender's own address or alias.
     */
    checkAuthors?: boolean;
  };
}

/** What a {@link ReceiveInput.finalize} check decided, once the whole message was read. */
export interface ReceiveVerdict {
  /** Header lines (CRLF-terminated) to put above everything else, our trace included. */
  prepend?: string;
  /** Deliver every recipient's copy to their Junk mailbox (its `\Junk` special use; INBOX if they have none). */
  junk?: boolean;
  /** Stored with the message (`DeliveryInput.authResults`). */
  authResults?: string;
}

/** What the filter is told of a message once it has been read (nothing is read twice). */
export interface FilterInput {
  /** The first bytes of the message as received (`HEAD_BYTES`), without our trace header. */
  head: Buffer;
  size: number;
  /** What mail authentication found (JSON of `AuthResults`), when it ran. */
  authResults?: string;
  targets: ReceiveTarget[];
  /** The remote recipients (the outbound queue's), for outbound mail. */
  remote?: string[];
}

/** Where one recipient's copy goes, as the filter decided. */
export interface FilterPlacement {
  /** A folder a rule named; INBOX (or Junk) when absent or when the user has no such folder. */
  mailbox?: string;
  junk: boolean;
  seen: boolean;
  /** Held in quarantine instead of delivered. */
  held: boolean;
}

/** The filter's decision for a message that is not refused. */
export interface FilterPlan {
  /** Header lines (CRLF-terminated) to put on top: `X-Spam-*`, rules' added headers. */
  prepend: string;
  /**
   * Tags to put in front of the Subject (rules' `tagSubject`), once each: the copies share one
   * body, so a tag any recipient's rules ask for is on every copy.
   */
  subjectTags?: string[];
  /** Per recipient (user id); a recipient not in the map gets INBOX. */
  placement: Map<string, FilterPlacement>;
  /**
   * Hold the remote recipients in quarantine instead of queueing them (an
   * outbound quarantine verdict): released, they are queued; deleted, never sent.
   */
  holdRemote?: boolean;
  /** Stored with the message (`message_filter_results`). */
  result: { verdict: string; score: number | null; reasons: string[] };
  /** Run once the delivery has committed: forwards, archive copies, vacation replies (never throws). */
  after(message: { blobId: string; headerMessageId: string | null; subject: string }): Promise<void>;
}

/** One message's filter run: the stream the store reads, and the decision once it is read. */
export interface ReceiveFilter {
  /** What the store reads: the same bytes (the filter may tee them to its scanners). */
  stream: Readable;
  /** Throws FILTER_REJECTED or FILTER_TEMPFAIL (with the SMTP answer) to refuse the message. */
  decide(input: FilterInput): Promise<FilterPlan>;
}

/** One recipient's copy of a delivered message. */
export interface DeliveredCopy {
  userId: string;
  /** The address the message was delivered to (as the envelope named it). */
  address: string;
  messageId: string;
  mailbox: string;
  /** Put in Junk: judged spam. */
  junk: boolean;
}

/**
 * A message once committed to its recipients' mailboxes, for the step that
 * follows delivery (`MailServiceDeps.afterDelivery`: auto-reply, forwarding).
 * The sender's own Sent copy and held (quarantined) copies are not among `copies`.
 */
export interface DeliveredMessage {
  blobId: string;
  headerMessageId: string | null;
  subject: string;
  /** The envelope sender; '' is the null sender. */
  mailFrom: string;
  /** The first bytes of the message as received, without our trace header. */
  head: Buffer;
  to: Address[];
  cc: Address[];
  copies: DeliveredCopy[];
}

/** A page of message summaries and the cursor of the next one (null: the last page). */
export interface MessagePage {
  items: MessageSummary[];
  nextCursor: string | null;
}

/** A message search: words (`q`) and filters, all of which must hold; see `search/`. */
export interface MessageSearchOptions {
  q?: string;
  /** One mailbox; absent: every mailbox. */
  mailbox?: string;
  unread?: boolean;
  flagged?: boolean;
  hasAttachment?: boolean;
  /** Internal date at or after (epoch ms). */
  since?: number;
  /** Internal date before (epoch ms). */
  before?: number;
  limit: number;
  cursor?: string;
}

/**
 * The mail engine's face to listeners and the API: ingest (streamed, size
 * enforced, parsed for the index, made durable before resolving) and the
 * per-user read/update operations. Users are addressed by canonical address.
 */
export interface MailService {
  /** Resolves once the message is durable in every target; throws MESSAGE_TOO_LARGE past maxSize. */
  receive(input: ReceiveInput): Promise<{ messageIds: string[]; size: number }>;
  listMailboxes(address: string): Promise<Mailbox[]>;
  listMessages(
    address: string,
    options: { mailbox: string; unread?: boolean; limit: number; cursor?: string },
  ): Promise<{ items: MessageSummary[]; nextCursor: string | null }>;
  /**
   * A search over the user's messages (every mailbox, or `mailbox`), newest first: words of
   * `q` (see `search/query.ts`) and filters; UNAVAILABLE when the server has no search index.
   */
  searchMessages(address: string, options: MessageSearchOptions): Promise<MessagePage>;
  getMessage(address: string, id: string): Promise<MessageDetail>;
  /**
   * One attachment's decoded content, streamed (other parts are never held
   * in memory); throws ATTACHMENT_NOT_FOUND when the message has no part `attachmentId`.
   */
  openAttachment(address: string, id: string, attachmentId: string): Promise<AttachmentStream>;
  /** The stored RFC 5322 message, streamed. */
  openRaw(address: string, id: string): Promise<{ stream: Readable; size: number }>;
  updateMessage(address: string, id: string, patch: MessagePatch): Promise<MessageSummary>;
  deleteMessage(address: string, id: string): Promise<void>;
  /** Copies a message into another mailbox (new id, same flags, shared body); returns the copy. */
  copyMessage(address: string, id: string, mailbox: string): Promise<MessageSummary>;
  /** Creates a mailbox (and missing parents); see `MailStore.createMailbox`. */
  createMailbox(address: string, name: string, options?: CreateMailboxOptions): Promise<Mailbox>;
  /** Renames and/or (un)subscribes a mailbox; returns it as it is after. */
  updateMailbox(address: string, name: string, patch: MailboxPatch): Promise<Mailbox>;
  deleteMailbox(address: string, name: string): Promise<void>;
  /**
   * IMAP APPEND: the message goes through the same ingest as SMTP (size limit
   * `maxMessageSize` → MESSAGE_TOO_LARGE, header limits, CRLF), is indexed,
   * and stored with its flags and date (QUOTA_EXCEEDED past the quota).
   */
  append(input: AppendInput | DeferredAppendInput): Promise<Placed>;
  unreadCount(address: string): Promise<{ unread: number; total: number }>;
  /** Delta sync over all the user's folders (`MailStore.mailboxDelta`). */
  changes(address: string, options: { since?: string; limit: number }): Promise<MailboxDelta>;
  /** Counts for many users; unknown addresses are left out, and so are users outside `inDomains` when given. */
  unreadCounts(addresses: string[], inDomains?: ReadonlySet<string> | null): Promise<Record<string, number>>;
  /**
   * Composes a message from `address` and sends it: delivered to local recipients at once, queued
   * for remote ones (in the same transaction), a copy filed in Sent. SEND_RATE_LIMITED past the
   * sender's `sending.*` limits.
   */
  send(address: string, input: SendInput, context?: SendContext): Promise<{ id: string; messageId: string }>;
  /**
   * Files a draft (every field optional) in the user's `\Drafts` mailbox, flagged `\Draft`;
   * returns its summary.
   */
  saveDraft(address: string, input: Partial<SendInput>): Promise<MessageSummary>;
  /** Files a new version of draft `id` and deletes the old one (MESSAGE_NOT_FOUND if `id` is no draft of theirs). */
  replaceDraft(address: string, id: string, input: Partial<SendInput>): Promise<MessageSummary>;
}
