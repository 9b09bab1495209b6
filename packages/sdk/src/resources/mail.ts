import type { HttpClient } from '../http.js';
import { type Page, Paginator } from '../paginator.js';
import type {
  CreateMailboxOptions,
  DraftInput,
  ListMessagesParams,
  Mailbox,
  MessageBatchInput,
  MessageBatchResult,
  MessageDetail,
  MessageFlagsInput,
  MessageSummary,
  SendInput,
  SendRequest,
  SendResult,
  UnreadCount,
  UnreadCountResult,
  UpdateMessageInput,
  Upload,
} from '../types.js';
import { encodeAttachments } from './mail-body.js';
import { fetchChanges, type MailboxChanges, type SyncMailboxOptions, syncMailbox } from './mail-sync.js';
import { path } from './path.js';

/** `client.mail`: a user's mailboxes and messages, unread counts, sending. */
export class Mail {
  /** @internal Made by {@link JdMail}; use `jd.<resource>`. */
  constructor(private readonly http: HttpClient) {}

  /**
   * The user's mailboxes with `total` and `unread` counters.
   *
   * @example
   * const boxes = await jd.mail.mailboxes('alice@example.com');
   * console.log(boxes.map((b) => `${b.name}: ${b.unread}/${b.total}`));
   */
  async mailboxes(address: string): Promise<Mailbox[]> {
    const res = await this.http.json<{ items: Mailbox[] }>({
      method: 'GET',
      path: path`/users/${address}/mailboxes`,
    });
    return res.items;
  }

  /**
   * Creates a mailbox, and any missing parent: levels are separated by `/`
   * (`Projects/2024` makes `Projects` too). Subscribed unless
   * `subscribed: false`. A taken name is a 409 `MAILBOX_EXISTS`.
   *
   * @example
   * const box = await jd.mail.createMailbox('alice@example.com', 'Projects/2024');
   * await jd.mail.createMailbox('alice@example.com', 'Archive', { specialUse: '\\Archive' });
   */
  createMailbox(address: string, name: string, options: CreateMailboxOptions = {}): Promise<Mailbox> {
    return this.http.json({
      method: 'POST',
      path: path`/users/${address}/mailboxes`,
      body: { ...options, name },
    });
  }

  /**
   * Renames a mailbox and every mailbox under it. Renaming INBOX moves its
   * messages into a new mailbox and leaves INBOX empty; Sent, Drafts, Junk
   * and Trash cannot be renamed.
   *
   * @example
   * await jd.mail.renameMailbox('alice@example.com', 'Projects/2024', 'Archive/2024');
   */
  renameMailbox(address: string, name: string, newName: string): Promise<Mailbox> {
    return this.http.json({
      method: 'PATCH',
      path: path`/users/${address}/mailboxes/${name}`,
      body: { name: newName },
    });
  }

  /**
   * Subscribes to a mailbox or unsubscribes from it (mail clients that show
   * subscribed folders only show it, or not).
   *
   * @example
   * await jd.mail.subscribeMailbox('alice@example.com', 'Projects', false);
   */
  subscribeMailbox(address: string, name: string, subscribed = true): Promise<Mailbox> {
    return this.http.json({
      method: 'PATCH',
      path: path`/users/${address}/mailboxes/${name}`,
      body: { subscribed },
      idempotent: true,
    });
  }

  /**
   * Deletes a mailbox and its messages. One with mailboxes under it is
   * refused (409 `MAILBOX_HAS_CHILDREN`), and so are INBOX, Sent, Drafts,
   * Junk and Trash (409 `MAILBOX_PROTECTED`).
   *
   * @example
   * await jd.mail.deleteMailbox('alice@example.com', 'Projects/2024');
   */
  async deleteMailbox(address: string, name: string): Promise<void> {
    await this.http.json({ method: 'DELETE', path: path`/users/${address}/mailboxes/${name}` });
  }

  /**
   * Messages of one mailbox (default INBOX), newest first.
   *
   * @example
   * const page = await jd.mail.list('alice@example.com', { mailbox: 'Sent', limit: 20 });
   */
  list(address: string, params: ListMessagesParams = {}): Paginator<MessageSummary> {
    return new Paginator((cursor) =>
      this.http.json<Page<MessageSummary>>({
        method: 'GET',
        path: path`/users/${address}/messages`,
        query: { ...params, cursor: cursor ?? params.cursor },
      }),
    );
  }

  /**
   * Searches the user's messages, newest first by arrival: words of `q` in subject, from, to/cc,
   * body text and attachment names (Latin words by prefix, Chinese as a substring; `"a phrase"`,
   * `from:`, `to:`, `subject:`, `filename:`), over every mailbox unless `params.mailbox` is given,
   * with the filters of `params` (`unread`, `flagged`, `hasAttachment`, `since`, `before`).
   *
   * @example
   * for await (const m of jd.mail.search('alice@example.com', '发票 from:wang', { hasAttachment: true })) {
   *   console.log(m.subject);
   * }
   */
  search(address: string, q: string, params: Omit<ListMessagesParams, 'q'> = {}): Paginator<MessageSummary> {
    return this.list(address, { ...params, q });
  }

  /**
   * Unread messages of the INBOX (or `params.mailbox`), newest first.
   *
   * @example
   * const { items } = await jd.mail.listUnread('alice@example.com', { limit: 5 });
   */
  listUnread(address: string, params: Omit<ListMessagesParams, 'unread'> = {}): Paginator<MessageSummary> {
    return this.list(address, { ...params, unread: true });
  }

  /**
   * Unread and total messages in the mailboxes that hold new mail.
   *
   * @example
   * const { unread } = await jd.mail.unreadCount('alice@example.com');
   */
  unreadCount(address: string): Promise<UnreadCount> {
    return this.http.json({ method: 'GET', path: path`/users/${address}/unread-count` });
  }

  /**
   * Delta sync, one call: what changed in all of the user's folders since
   * `since` (none: everything, as `added`, in pages), and the next token.
   * A token the server can no longer answer throws {@link GoneError}
   * (`SYNC_TOKEN_EXPIRED`); {@link Mail.syncMailbox} handles that for you.
   *
   * @example
   * const first = await jd.mail.changes('alice@example.com');
   * const later = await jd.mail.changes('alice@example.com', first.token);
   */
  changes(address: string, since?: string, options: { limit?: number } = {}): Promise<MailboxChanges> {
    return fetchChanges(this.http, address, since, options.limit);
  }

  /**
   * Brings your copy of a user's mailbox up to date and returns the token to
   * keep for next time: every page of changes goes to `onChange` in order; an
   * expired token calls `onReset` (drop your copy) and syncs again from
   * nothing. Call it on a timer, or when the event stream says `message.*`.
   *
   * @example
   * let token = await jd.mail.syncMailbox('alice@example.com', {
   *   token: saved,
   *   onReset: () => copy.clear(),
   *   onChange: (c) => {
   *     for (const m of [...c.added, ...c.updated]) copy.set(m.id, m);
   *     for (const id of c.removed) copy.delete(id);
   *   },
   * });
   */
  syncMailbox(address: string, options: SyncMailboxOptions): Promise<string> {
    return syncMailbox(this.http, address, options);
  }

  /**
   * Unread counts of up to 1000 users in one call, keyed by canonical
   * address: lower-case, an internationalized domain as its A-label
   * (`xn--…`, what `new URL('http://例子.中国').hostname` gives). Users the
   * key may not see, and unknown ones, are left out.
   *
   * @example
   * const counts = await jd.mail.unreadCounts(['alice@example.com', 'bob@example.com']);
   * console.log(counts['alice@example.com'] ?? 0);
   */
  async unreadCounts(addresses: string[]): Promise<Record<string, number>> {
    const res = await this.http.json<{ counts: Record<string, number> }>({
      method: 'POST',
      path: '/unread-counts',
      body: { users: addresses },
      idempotent: true,
    });
    return res.counts;
  }
  /**
   * Unread counts of up to 1000 users in one call, one result per address in
   * the order given: `ok` with `unread`, `not_found` (unknown, or a user the
   * key may not see — the two answer alike), or `invalid` (not an address).
   * One bad row never fails the batch.
   *
   * @example
   * const results = await jd.mail.unreadCountResults(employees.map((e) => e.email));
   * for (const r of results) if (r.status === 'ok') badge(r.address, r.unread);
   */
  async unreadCountResults(addresses: string[]): Promise<UnreadCountResult[]> {
    const res = await this.http.json<{ results: UnreadCountResult[] }>({
      method: 'POST',
      path: '/unread-counts',
      body: { users: addresses },
      idempotent: true,
    });
    return res.results;
  }

  /**
   * A message with headers, bodies and the attachment list. Does not mark it read.
   *
   * @example
   * const m = await jd.mail.get('alice@example.com', id);
   * console.log(m.subject, m.text, m.attachments.map((a) => a.filename));
   */
  get(address: string, id: string): Promise<MessageDetail> {
    return this.http.json({ method: 'GET', path: path`/users/${address}/messages/${id}` });
  }

  /**
   * The message's RFC 5322 source, byte for byte.
   *
   * @example
   * const eml = await jd.mail.raw('alice@example.com', id); // Uint8Array: save as .eml
   */
  async raw(address: string, id: string): Promise<Uint8Array> {
    const res = await this.http.send(
      { method: 'GET', path: path`/users/${address}/messages/${id}/raw` },
      'message/rfc822',
    );
    return new Uint8Array(await res.arrayBuffer());
  }

  /**
   * One attachment, decoded, by the `id` the message view lists (its MIME part
   * number), with its content type and file name.
   *
   * @example
   * const { content, contentType, filename } = await jd.mail.attachment('alice@example.com', id, m.attachments[0].id);
   */
  async attachment(
    address: string,
    id: string,
    attachmentId: string,
  ): Promise<{ content: Uint8Array; contentType: string; filename: string | null }> {
    const res = await this.http.send(
      { method: 'GET', path: path`/users/${address}/messages/${id}/attachments/${attachmentId}` },
      '*/*',
    );
    return {
      content: new Uint8Array(await res.arrayBuffer()),
      contentType: res.headers.get('content-type') ?? 'application/octet-stream',
      filename: filenameOf(res.headers.get('content-disposition')),
    };
  }

  /**
   * Marks the message read (clears the unread flag).
   *
   * @example
   * await jd.mail.markRead('alice@example.com', id);
   */
  markRead(address: string, id: string): Promise<MessageSummary> {
    return this.update(address, id, { unread: false });
  }

  /**
   * Marks the message unread again.
   *
   * @example
   * await jd.mail.markUnread('alice@example.com', id);
   */
  markUnread(address: string, id: string): Promise<MessageSummary> {
    return this.update(address, id, { unread: true });
  }

  /**
   * Moves the message to another mailbox, e.g. `Trash`.
   *
   * @example
   * await jd.mail.move('alice@example.com', id, 'Trash');
   */
  move(address: string, id: string, mailbox: string): Promise<MessageSummary> {
    return this.update(address, id, { mailbox });
  }

  /**
   * Copies the message into another mailbox; returns the copy (a new id,
   * the same flags). The copy counts toward the user's quota.
   *
   * @example
   * const copy = await jd.mail.copy('alice@example.com', id, 'Projects');
   */
  copy(address: string, id: string, mailbox: string): Promise<MessageSummary> {
    return this.http.json({
      method: 'POST',
      path: path`/users/${address}/messages/${id}/copy`,
      body: { mailbox },
    });
  }

  /**
   * Sets flags and keywords of a message: `unread`, `flagged`, `answered`,
   * `draft`, `deleted` (IMAP `\Deleted`) and `keywords` (replaced whole:
   * `$Junk`, `$NotJunk`, `$Forwarded` or your own). Fields left out stay as
   * they are. Mail clients on IMAP see the change at once.
   *
   * @example
   * await jd.mail.setFlags('alice@example.com', id, { flagged: true, keywords: ['$Forwarded', 'invoice'] });
   */
  setFlags(address: string, id: string, flags: MessageFlagsInput): Promise<MessageSummary> {
    return this.update(address, id, flags);
  }

  /**
   * Deletes the message at once (no Trash).
   *
   * @example
   * await jd.mail.delete('alice@example.com', id);
   */
  async delete(address: string, id: string): Promise<void> {
    await this.http.json({ method: 'DELETE', path: path`/users/${address}/messages/${id}` });
  }

  /**
   * One action on up to 1,000 messages in one request: `move` (with `mailbox`), `delete`
   * (at once), `read`, `unread`, `flag`, `unflag`. One result per id, in order; an id the
   * user does not have is `not_found` and the others still happen.
   *
   * @example
   * const { results } = await jd.mail.batch('alice@example.com', { ids, action: 'move', mailbox: 'Trash' });
   */
  async batch(address: string, input: MessageBatchInput): Promise<MessageBatchResult> {
    return this.http.json<MessageBatchResult>({
      method: 'POST',
      path: `${path`/users/${address}`}/messages:batch`,
      body: input,
    });
  }

  /**
   * Sends a message as the user; a copy is filed in their Sent mailbox.
   * Resolves once every recipient has it durably; on any error none has it.
   * `bcc` recipients are left out of the delivered headers (the Sent copy
   * keeps them). An attachment's `content` is bytes (`Uint8Array`, Node's
   * `Buffer`, `ArrayBuffer`, or a `Blob` such as a browser `File`), which the
   * SDK base64-encodes, or a base64 string.
   *
   * Every call sends an `Idempotency-Key` (a new UUID unless `options.idempotencyKey` is
   * given), so the SDK retries it after a network error or timeout without the risk of a second
   * message. Pass your own key (e.g. the id of the OA workflow step) to make a send safe to
   * repeat across process restarts within 24 hours.
   *
   * @example
   * await jd.mail.send('hr@example.com', {
   *   bcc: ['all-staff@example.com'],
   *   replyTo: ['hr-desk@example.com'],
   *   subject: 'Payslip for November',
   *   text: 'Your payslip is attached.',
   *   attachments: [{ filename: 'payslip-2026-11.pdf', content: readFileSync('payslip.pdf') }],
   * });
   */
  async send(address: string, input: SendInput, options: SendOptions = {}): Promise<SendResult> {
    const body: SendRequest = await encodeAttachments(input);
    return this.http.json({
      method: 'POST',
      path: path`/users/${address}/send`,
      body,
      idempotencyKey: options.idempotencyKey ?? newIdempotencyKey(),
    });
  }

  /**
   * Uploads a file to attach to a send or draft later (`{ uploadId }`): the body is the file
   * itself, streamed to disk by the server, up to its message size limit (`413` past it).
   * Uploads are kept 24 hours.
   *
   * @example
   * const file = await openAsBlob('季度报告.pdf'); // node:fs — read as it is sent
   * const up = await jd.mail.upload('alice@example.com', file, { name: '季度报告.pdf', contentType: 'application/pdf' });
   * await jd.mail.send('alice@example.com', { to: ['bob@example.com'], subject: 'Q3', attachments: [{ uploadId: up.id }] });
   */
  upload(
    address: string,
    content: Uint8Array | ArrayBuffer | Blob,
    options: { name: string; contentType?: string },
  ): Promise<Upload> {
    const contentType =
      options.contentType ?? ((content instanceof Blob && content.type) || 'application/octet-stream');
    return this.http.json({
      method: 'POST',
      path: path`/users/${address}/uploads`,
      query: { name: options.name },
      rawBody: { data: content, contentType },
    });
  }

  /**
   * Deletes an upload that is no longer wanted (a removed attachment); uploads
   * not sent are deleted by the server after 24 hours anyway.
   *
   * @example
   * await jd.mail.deleteUpload('alice@example.com', up.id);
   */
  async deleteUpload(address: string, id: string): Promise<void> {
    await this.http.json({ method: 'DELETE', path: path`/users/${address}/uploads/${id}` });
  }

  /**
   * Saves a draft in the user's Drafts mailbox (every field optional); returns it. Read it back with
   * {@link Mail.get}; send it with `send(address, { ...fields, draftId })`, which deletes it.
   *
   * @example
   * const draft = await jd.mail.saveDraft('alice@example.com', { subject: '周报', text: '本周…' });
   */
  async saveDraft(address: string, input: DraftInput): Promise<MessageSummary> {
    return this.http.json({
      method: 'POST',
      path: path`/users/${address}/drafts`,
      body: await encodeAttachments(input),
    });
  }

  /**
   * Replaces draft `id` with a new version; returns the new one (a new id; the old one is gone).
   *
   * @example
   * const next = await jd.mail.replaceDraft('alice@example.com', draft.id, { subject: '周报', text: '本周完成…' });
   */
  async replaceDraft(address: string, id: string, input: DraftInput): Promise<MessageSummary> {
    return this.http.json({
      method: 'PUT',
      path: path`/users/${address}/drafts/${id}`,
      body: await encodeAttachments(input),
    });
  }

  private update(address: string, id: string, patch: UpdateMessageInput): Promise<MessageSummary> {
    // Setting flags or a mailbox twice ends in the same state, so a retry is safe.
    return this.http.json({
      method: 'PATCH',
      path: path`/users/${address}/messages/${id}`,
      body: patch,
      idempotent: true,
    });
  }
}

/** The file name of a `Content-Disposition` header: `filename*` (RFC 8187) first, else `filename`. */
export function filenameOf(header: string | null): string | null {
  if (!header) return null;
  const extended = /filename\*\s*=\s*UTF-8''([^;\s]+)/i.exec(header);
  if (extended?.[1]) {
    try {
      return decodeURIComponent(extended[1]);
    } catch {
      // malformed percent-encoding: fall back to the plain parameter
    }
  }
  const plain = /filename\s*=\s*"((?:[^"\\]|\\.)*)"/i.exec(header);
  return plain?.[1] ? plain[1].replace(/\\(.)/g, '$1') : null;
}

/** Options of {@link Mail.send}. */
export interface SendOptions {
  /** The `Idempotency-Key`: the same key with the same request within 24 hours sends once. Default a new UUID. */
  idempotencyKey?: string;
}

/** A random UUID (v4): Web Crypto where there is one (browsers, Node ≥ 19), else Math.random. */
function newIdempotencyKey(): string {
  const webCrypto = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (webCrypto?.randomUUID) return webCrypto.randomUUID();
  const hex = Array.from({ length: 32 }, () => Math.floor(Math.random() * 16).toString(16));
  hex[12] = '4';
  hex[16] = ((Number.parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
