import { Readable } from 'node:stream';
import {
  findAttachment,
  type Mailbox,
  type MailService,
  type MessageDetail,
  type MessageSearchOptions,
  type MessageSummary,
  type SendInput,
} from '../../mail/index.js';
import { AppError, normalizeAddress } from '../../shared/index.js';
import type { Placed } from '../../store/index.js';

const MAILBOXES = ['INBOX', 'Sent', 'Drafts', 'Junk', 'Trash'];

/**
 * An in-memory {@link MailService} for the API's unit tests. Messages are
 * added with {@link FakeMail.add}; lists are newest first with id cursors.
 */
export class FakeMail implements MailService {
  readonly messages = new Map<string, MessageDetail & { owner: string; raw: string }>();
  readonly sent: { from: string; input: SendInput }[] = [];
  private seq = 0;

  /** `knows(address)`: whether a user has the address — unknown ones are left out of `unreadCounts`, as the real service does. */
  constructor(private readonly knows: (address: string) => boolean = () => true) {}

  add(owner: string, fields: Partial<MessageDetail> & { raw?: string } = {}) {
    const id = `m${String(++this.seq).padStart(6, '0')}`;
    const m = {
      id,
      mailbox: 'INBOX',
      uid: this.seq,
      modseq: 1,
      unread: true,
      flagged: false,
      answered: false,
      draft: false,
      deleted: false,
      keywords: [] as string[],
      size: 100,
      internalDate: 1_700_000_000_000 + this.seq,
      blobId: `blob-${id}`,
      from: { name: 'Bob', address: 'bob@example.org' },
      to: [{ name: '', address: owner }],
      cc: [],
      subject: `Message ${this.seq}`,
      date: 1_700_000_000_000,
      messageId: `<${id}@example.org>`,
      preview: 'Hello',
      hasAttachments: false,
      bcc: [],
      replyTo: [],
      inReplyTo: null,
      references: [],
      headers: [{ name: 'Subject', value: `Message ${this.seq}` }],
      text: 'Hello',
      html: null,
      attachments: [],
      authentication: null,
      filter: null,
      partial: false,
      raw: `Subject: Message ${this.seq}\r\n\r\nHello\r\n`,
      ...fields,
      owner: normalizeAddress(owner),
    };
    this.messages.set(id, m);
    return m;
  }

  private own(address: string, id: string) {
    const m = this.messages.get(id);
    if (!m || m.owner !== address) throw new AppError('MESSAGE_NOT_FOUND');
    return m;
  }

  /** A full listing of the owner's messages (no journal here: a token is refused as expired). */
  async changes(address: string, options: { since?: string; limit: number }) {
    if (options.since !== undefined) throw new AppError('SYNC_TOKEN_EXPIRED');
    const added = [...this.messages.values()].filter((m) => m.owner === address);
    return { added, updated: [], removed: [], token: 'fake', hasMore: false };
  }

  async receive(): Promise<{ messageIds: string[]; size: number }> {
    throw new Error('not used by the API');
  }
  async listMailboxes(address: string): Promise<Mailbox[]> {
    return MAILBOXES.map((name, i) => {
      const inBox = [...this.messages.values()].filter((m) => m.owner === address && m.mailbox === name);
      return {
        id: `mb${i}`,
        name,
        specialUse: name === 'INBOX' ? null : `\\${name}`,
        uidValidity: 1,
        uidNext: 1,
        highestModseq: 1,
        total: inBox.length,
        unread: inBox.filter((m) => m.unread).length,
        deleted: 0,
        size: inBox.reduce((s, m) => s + m.size, 0),
        subscribed: true,
      };
    });
  }
  /** A stand-in without an index: the words of `q` in the subject, the filters as the list's. */
  async searchMessages(address: string, o: MessageSearchOptions) {
    if (o.mailbox !== undefined && !MAILBOXES.includes(o.mailbox)) throw new AppError('MAILBOX_NOT_FOUND');
    const words = (o.q ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    const all = [...this.messages.values()]
      .filter(
        (m) =>
          m.owner === address &&
          (o.mailbox === undefined || m.mailbox === o.mailbox) &&
          (o.unread === undefined || m.unread === o.unread) &&
          words.every((w) => m.subject.toLowerCase().includes(w)),
      )
      .sort((a, b) => b.id.localeCompare(a.id))
      .filter((m) => !o.cursor || m.id < o.cursor);
    const items: MessageSummary[] = all.slice(0, o.limit);
    const last = items.at(-1);
    return { items, nextCursor: all.length > o.limit && last ? last.id : null };
  }

  async listMessages(
    address: string,
    o: { mailbox: string; unread?: boolean; limit: number; cursor?: string },
  ) {
    if (!MAILBOXES.includes(o.mailbox)) throw new AppError('MAILBOX_NOT_FOUND');
    const all = [...this.messages.values()]
      .filter(
        (m) =>
          m.owner === address && m.mailbox === o.mailbox && (o.unread === undefined || m.unread === o.unread),
      )
      .sort((a, b) => b.id.localeCompare(a.id))
      .filter((m) => !o.cursor || m.id < o.cursor);
    const items: MessageSummary[] = all.slice(0, o.limit);
    const last = items.at(-1);
    return { items, nextCursor: all.length > o.limit && last ? last.id : null };
  }
  async getMessage(address: string, id: string) {
    return this.own(address, id);
  }
  async openRaw(address: string, id: string) {
    const m = this.own(address, id);
    return { stream: Readable.from([Buffer.from(m.raw)]), size: Buffer.byteLength(m.raw) };
  }
  /** Parses the message's `raw` with the real streaming extractor. */
  async openAttachment(address: string, id: string, attachmentId: string) {
    const m = this.own(address, id);
    const found = await findAttachment(Readable.from([Buffer.from(m.raw)]), attachmentId);
    if (!found) throw new AppError('ATTACHMENT_NOT_FOUND');
    return found;
  }
  async updateMessage(
    address: string,
    id: string,
    patch: { unread?: boolean; flagged?: boolean; mailbox?: string },
  ) {
    const m = this.own(address, id);
    if (patch.mailbox !== undefined && !MAILBOXES.includes(patch.mailbox))
      throw new AppError('MAILBOX_NOT_FOUND');
    Object.assign(m, patch);
    return m;
  }
  async copyMessage(address: string, id: string, mailbox: string) {
    const m = this.own(address, id);
    if (!MAILBOXES.includes(mailbox)) throw new AppError('MAILBOX_NOT_FOUND');
    const { id: _id, owner: _owner, ...rest } = m;
    return this.add(address, { ...rest, mailbox });
  }
  async createMailbox(): Promise<Mailbox> {
    throw new Error('not used by the API unit tests');
  }
  async updateMailbox(): Promise<Mailbox> {
    throw new Error('not used by the API unit tests');
  }
  async deleteMailbox(): Promise<void> {
    throw new Error('not used by the API unit tests');
  }
  async append(): Promise<Placed> {
    throw new Error('not used by the API');
  }
  async deleteMessage(address: string, id: string) {
    this.messages.delete(this.own(address, id).id);
  }
  async unreadCount(address: string) {
    const mine = [...this.messages.values()].filter((m) => m.owner === address && m.mailbox === 'INBOX');
    return { unread: mine.filter((m) => m.unread).length, total: mine.length };
  }
  async unreadCounts(addresses: string[], inDomains?: ReadonlySet<string> | null) {
    const out: Record<string, number> = {};
    // No aliases here: an owner's domain is its address's.
    for (const a of addresses) {
      if (!this.knows(a)) continue;
      if (!inDomains || inDomains.has(a.split('@')[1] ?? '')) out[a] = (await this.unreadCount(a)).unread;
    }
    return out;
  }
  async send(address: string, input: SendInput) {
    this.sent.push({ from: address, input });
    const m = this.add(address, { mailbox: 'Sent', unread: false, subject: input.subject });
    return { id: m.id, messageId: m.messageId ?? '' };
  }
  async saveDraft(address: string, input: Partial<SendInput>) {
    const m = this.add(address, {
      mailbox: 'Drafts',
      unread: false,
      draft: true,
      subject: input.subject ?? '',
    });
    const { owner: _o, raw: _r, ...summary } = m;
    return summary;
  }
  async replaceDraft(address: string, id: string, input: Partial<SendInput>) {
    const old = this.messages.get(id);
    if (old?.owner !== normalizeAddress(address) || !old.draft) throw new AppError('MESSAGE_NOT_FOUND');
    this.messages.delete(id);
    return this.saveDraft(address, input);
  }
}
