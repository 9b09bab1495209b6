import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { Directory } from '../directory/index.js';
import type { SendRateLimiter } from '../limits/index.js';
import type { AuthResults } from '../mail-auth/index.js';
import { AppError, newId } from '../shared/index.js';
import type {
  DeliveryTarget,
  MailStore,
  MessageFilterResultsTable,
  QuarantineTable,
} from '../store/index.js';
import { findAttachment } from './attachment.js';
import { authorsOf } from './authors.js';
import { composeStreams } from './compose.js';
import { assertDraft, saveDraft } from './drafts.js';
import { missingSubmissionHeaders, receivedHeader } from './headers.js';
import { HEAD_BYTES, ingest } from './ingest.js';
import { needsSmtpUtf8, type OutboundQueue, type TraceRecorder } from './outbound.js';
import { parseBody, readHeaderFields } from './parse.js';
import { parseIndex } from './parse-index.js';
import { resolveAttachments } from './send-attachments.js';
import type { SendRecipients } from './send-recipients.js';
import { resolveSendRecipients } from './send-recipients.js';
import { subjectTagEdit } from './subject-tag.js';
import { threadFields } from './thread-fields.js';
import type {
  DeliveredMessage,
  FilterPlan,
  MailService,
  MessageDetail,
  MessagePage,
  MessageSearchOptions,
  ReceiveFilter,
  ReceiveInput,
  ReceiveTarget,
  SendContext,
  SendInput,
} from './types.js';
import type { UploadStore } from './uploads.js';

export interface MailServiceDeps {
  store: MailStore;
  directory: Directory;
  hostname: string;
  maxMessageSize: number;
  log: Logger;
  /**
   * The outbound queue that takes a message's remote recipients. Without it
   * remote recipients are refused (`RECIPIENT_NOT_LOCAL`): there is nothing
   * to send them with.
   */
  outbound?: OutboundQueue;
  /** The message trace: each local copy stored is recorded (`stored`). */
  trace?: TraceRecorder;
  /** The `sending.*` limits that submissions and API sends count against; none when absent. */
  sendRate?: SendRateLimiter;
  /** Full-text search over a user's messages (`search/`); without it a search is UNAVAILABLE. */
  search?: (userId: string, options: MessageSearchOptions) => Promise<MessagePage>;
  /**
   * The filter pipeline for the send API's messages (as submission's): virus, spam, rules. Asked per
   * send (the pipeline is built after this service); none when it answers undefined.
   */
  sendFilter?: (start: SendFilterStart) => ReceiveFilter | undefined;
  /**
   * Runs once a received message is committed, before `receive` resolves: users' auto-replies and
   * forwarding (settings/). It must not throw; the delivery stands whatever it does.
   */
  afterDelivery?: (message: DeliveredMessage) => Promise<void>;
  /** Files uploaded for sends and drafts, and scratch space for forwarded parts; without it those are UNAVAILABLE. */
  uploads?: UploadStore;
}

/** What the send API tells the filter of a message: it is outbound mail of a signed-in user. */
export interface SendFilterStart {
  direction: 'outbound';
  mailFrom: string;
  clientIp: string | null;
  authenticated: true;
  stream: Readable;
}

/** The stored authentication results (JSON written by the MX); a damaged row reads as none. */
function authResultsOf(json: string | null): AuthResults | null {
  if (!json) return null;
  try {
    return JSON.parse(json) as AuthResults;
  } catch {
    return null;
  }
}

/** The stored filter verdict; damaged reasons read as none. */
function filterResultOf(row: MessageFilterResultsTable | null): MessageDetail['filter'] {
  if (!row) return null;
  let reasons: string[] = [];
  try {
    const parsed = JSON.parse(row.reasons) as unknown;
    if (Array.isArray(parsed)) reasons = parsed.map(String);
  } catch {}
  return { verdict: row.verdict, score: row.score === null ? null : Number(row.score), reasons };
}

/** A recipient's copy and where it goes. */
interface PlacedCopy {
  address: string;
  target: DeliveryTarget;
}

/**
 * The filter's rows of a delivery: its verdict (one row per body) and a
 * quarantine row per recipient domain of the held copies.
 */
function filterRows(
  plan: FilterPlan | undefined,
  held: ReceiveTarget[],
  heldRemote: string[],
  m: { mailFrom: string; index: { subject: string; messageId: string | null }; size: number; now: number },
): { filterResult?: MessageFilterResultsTable; quarantine?: QuarantineTable[] } {
  if (!plan) return {};
  const { verdict, score, reasons } = plan.result;
  const domainOf = (a: string) => a.slice(a.lastIndexOf('@') + 1).toLowerCase();
  const byDomain = new Map<string, Array<{ userId?: string; address: string; remote?: true }>>();
  for (const t of held) byDomain.set(domainOf(t.address), [...(byDomain.get(domainOf(t.address)) ?? []), t]);
  // Held remote recipients are filed under the sender's domain: its admins review what their users send.
  if (heldRemote.length > 0) {
    const own = domainOf(m.mailFrom);
    const remote = heldRemote.map((address) => ({ address, remote: true as const }));
    byDomain.set(own, [...(byDomain.get(own) ?? []), ...remote]);
  }
  const quarantine = [...byDomain].map(([domain, targets]) => ({
    id: newId(),
    blob_id: '',
    domain,
    mail_from: m.mailFrom,
    recipients: JSON.stringify(
      targets.map((t) =>
        t.remote ? { address: t.address, remote: true } : { userId: t.userId, address: t.address },
      ),
    ),
    subject: m.index.subject,
    header_message_id: m.index.messageId,
    size: m.size,
    score,
    reasons: JSON.stringify(reasons),
    created_at: m.now,
  }));
  // An unscored accept with no reason (no scanner, no model, no rule) has nothing to say: no row.
  const said = verdict !== 'accept' || score !== null || reasons.length > 0;
  return {
    filterResult: said
      ? { blob_id: '', verdict, score, reasons: JSON.stringify(reasons), created_at: m.now }
      : undefined,
    quarantine: quarantine.length > 0 ? quarantine : undefined,
  };
}

/** The mail engine shared by SMTP and the API: durable ingest and per-user mailbox operations. */
export function createMailService(deps: MailServiceDeps): MailService {
  const { store, directory, log } = deps;
  const userId = async (address: string) => {
    const id = (await directory.findUserIds([address])).values().next().value;
    if (!id) throw new AppError('USER_NOT_FOUND', `user ${address} does not exist`);
    return id;
  };

  /**
   * Submission: a user may write only as themselves. Every From and Sender header must name
   * addresses of theirs, and nothing but: a header with no address, or a header section too
   * long to read to its end, is refused too, since a reader would be shown what it says.
   */
  async function assertAuthors(head: Buffer, whole: boolean, senderUserId: string): Promise<void> {
    const refuse = (why: string) => new AppError('SENDER_NOT_ALLOWED', why);
    const { complete, fields } = authorsOf(head, whole);
    if (!complete) throw refuse('Header section too long to check its From header');
    for (const { field, addresses } of fields) {
      if (addresses.length === 0) throw refuse(`${field} header names no address of yours`);
      for (const address of addresses) {
        const owner = await directory.getUser(address).catch(() => undefined);
        if (owner?.id !== senderUserId) throw refuse(`${field} address ${address} does not belong to you`);
      }
    }
  }

  /** Counts a send against the sender's limits (SEND_RATE_LIMITED past them); its refund, or none. */
  async function charge(senderUserId: string, mailFrom: string, recipients: number) {
    if (!deps.sendRate) return undefined;
    const domain = mailFrom.slice(mailFrom.lastIndexOf('@') + 1);
    return deps.sendRate.charge({ user: senderUserId, domain, recipients });
  }

  /** The local copies of a received message, for the trace (the sender's Sent copy is not a hop). */
  function traceStored(
    input: ReceiveInput,
    copies: PlacedCopy[],
    messageId: string | null,
    at: number,
  ): void {
    if (!deps.trace) return;
    const sender = input.mailFrom ?? '';
    for (const { address, target } of copies) {
      deps.trace?.record({
        at,
        event: 'stored',
        messageId,
        sender,
        recipient: address,
        detail: { mailbox: target.mailbox ?? 'INBOX' },
      });
    }
  }

  /**
   * Where a recipient's copy goes: their Junk mailbox (by its special use, so a renamed one
   * still counts) when junked, else the folder a rule named if they have it, else INBOX.
   */
  async function mailboxOf(userId: string, junk: boolean, folder: string | undefined): Promise<string> {
    if (!junk && !folder) return 'INBOX';
    const boxes = await store.listMailboxes(userId);
    if (junk) return boxes.find((b) => b.specialUse === '\\Junk')?.name ?? 'INBOX';
    return boxes.some((b) => b.name === folder) ? (folder as string) : 'INBOX';
  }

  /** Each recipient's copy as the mail checks and the filter placed it; the held ones apart. */
  async function placeCopies(input: ReceiveInput, junk: boolean, plan: FilterPlan | undefined) {
    const delivered: PlacedCopy[] = [];
    const held: ReceiveTarget[] = [];
    for (const t of input.targets) {
      const p = plan?.placement.get(t.userId);
      if (p?.held) {
        held.push(t);
        continue;
      }
      const mailbox = await mailboxOf(t.userId, junk || p?.junk === true, p?.mailbox);
      delivered.push({
        address: t.address,
        target: { userId: t.userId, mailbox, seen: p?.seen || undefined },
      });
    }
    return { delivered, held };
  }

  async function receive(input: ReceiveInput): Promise<{ messageIds: string[]; size: number }> {
    if (input.outbound && !deps.outbound)
      throw new AppError('RECIPIENT_NOT_LOCAL', 'Delivery to remote domains is not available');
    const rate = input.submission?.rate;
    const charged =
      rate && (await charge(input.submission?.senderUserId ?? '', rate.mailFrom, rate.recipients));
    const writer = store.blobs.createWriter();
    try {
      const addHeaders = input.submission ? missingSubmissionHeaders(deps.hostname) : undefined;
      const ingested = await ingest(input.stream, writer, {
        prefix: input.trace,
        maxSize: input.maxSize,
        addHeaders,
      });
      const { head, sawAttachment } = ingested;
      if (input.submission?.checkAuthors)
        await assertAuthors(head, head.length < HEAD_BYTES, input.submission.senderUserId);
      const verdict = await input.finalize?.();
      const plan = await input.filter?.decide({
        head,
        size: ingested.size,
        authResults: verdict?.authResults,
        targets: input.targets,
        remote: input.outbound?.recipients,
      });
      // An outbound quarantine verdict: the remote recipients wait in quarantine, not in the queue.
      const heldRemote = plan?.holdRemote ? (input.outbound?.recipients ?? []) : [];
      const prepend = (verdict?.prepend ?? '') + (plan?.prepend ?? '');
      // Writer offsets count our trace header, which the head leaves out.
      const tagged = plan?.subjectTags?.length
        ? subjectTagEdit(head, plan.subjectTags, Buffer.byteLength(input.trace), head.length < HEAD_BYTES)
        : undefined;
      const blob = await writer.finish(prepend ? Buffer.from(prepend, 'utf8') : undefined, tagged?.replace);
      const index = await parseIndex(tagged?.head ?? head, sawAttachment);
      const { delivered, held } = await placeCopies(input, verdict?.junk === true, plan);
      const targets: DeliveryTarget[] = delivered.map((d) => d.target);
      if (input.submission)
        targets.push({ userId: input.submission.senderUserId, mailbox: 'Sent', seen: true });
      const now = Date.now();
      // Remote recipients are queued by the transaction that stores the local copies: all or none.
      const outbound =
        input.outbound && heldRemote.length === 0
          ? deps.outbound?.plan({
              mailFrom: input.outbound.mailFrom,
              recipients: input.outbound.recipients,
              senderUserId: input.submission?.senderUserId,
              headerMessageId: index.messageId,
              subject: index.subject,
              size: blob.size,
              smtputf8: needsSmtpUtf8(input.outbound),
              now,
            })
          : undefined;
      const { messageIds } = await store.deliver({
        blob,
        targets,
        index,
        internalDate: now,
        authResults: verdict?.authResults,
        outbound,
        ...filterRows(plan, held, heldRemote, {
          mailFrom: input.mailFrom ?? '',
          index,
          size: blob.size,
          now,
        }),
      });
      // Their used bytes grew: the quota check at the next RCPT sees it without asking the database.
      directory.noteStored(
        targets.map((t) => t.userId),
        blob.size,
      );
      if (outbound) deps.outbound?.enqueued(outbound);
      traceStored(input, delivered, index.messageId, now);
      await plan?.after({ blobId: blob.blobId, headerMessageId: index.messageId, subject: index.subject });
      await deps.afterDelivery?.({
        blobId: blob.blobId,
        headerMessageId: index.messageId,
        subject: index.subject,
        mailFrom: input.mailFrom ?? '',
        head,
        to: index.to,
        cc: index.cc,
        // Copies in target order (store.deliver's); the sender's Sent copy comes after them.
        copies: delivered.map((d, i) => ({
          userId: d.target.userId,
          address: d.address,
          messageId: messageIds[i] as string,
          mailbox: d.target.mailbox ?? 'INBOX',
          junk: verdict?.junk === true || plan?.placement.get(d.target.userId)?.junk === true,
        })),
      });
      return { messageIds, size: blob.size };
    } catch (err) {
      await writer.abort().catch((e) => log.warn({ err: e }, 'could not remove temp blob'));
      await charged?.refund().catch((e) => log.warn({ err: e }, 'could not refund a send-rate charge'));
      throw err;
    }
  }

  const service: MailService = {
    receive,
    listMailboxes: async (address) => store.listMailboxes(await userId(address)),
    listMessages: async (address, options) => store.listMessages(await userId(address), options),
    async searchMessages(address, options) {
      if (!deps.search) throw new AppError('UNAVAILABLE', 'search is not available');
      return deps.search(await userId(address), options);
    },
    async getMessage(address, id) {
      const uid = await userId(address);
      const summary = await store.getMessage(uid, id);
      const body = await parseBody(store.blobs.read(summary.blobId));
      // The parser gave up in the top-level header section itself: show its fields as they are.
      if (body.partial && body.headers.length === 0)
        body.headers = await readHeaderFields(store.blobs.read(summary.blobId));
      return {
        ...summary,
        ...body,
        ...threadFields(body.headers),
        authentication: authResultsOf(await store.authResultsOf(summary.blobId)),
        filter: filterResultOf(await store.filterResultOf(summary.blobId)),
      };
    },
    async openAttachment(address, id, attachmentId) {
      const summary = await store.getMessage(await userId(address), id);
      const found = await findAttachment(store.blobs.read(summary.blobId), attachmentId);
      if (!found)
        throw new AppError('ATTACHMENT_NOT_FOUND', `message ${id} has no attachment ${attachmentId}`);
      return found;
    },
    async openRaw(address, id) {
      const summary = await store.getMessage(await userId(address), id);
      return { stream: store.blobs.read(summary.blobId), size: summary.size };
    },
    updateMessage: async (address, id, patch) => store.updateMessage(await userId(address), id, patch),
    async deleteMessage(address, id) {
      const owner = await userId(address);
      try {
        await store.deleteMessage(owner, id);
      } finally {
        directory.noteUsageChanged([owner]);
      }
    },
    async copyMessage(address, id, mailbox) {
      const owner = await userId(address);
      try {
        return await store.copyMessage(owner, id, mailbox);
      } finally {
        directory.noteUsageChanged([owner]);
      }
    },
    createMailbox: async (address, name, options) =>
      store.createMailbox(await userId(address), name, options),
    async updateMailbox(address, name, patch) {
      const owner = await userId(address);
      let current = name;
      if (patch.name !== undefined) current = (await store.renameMailbox(owner, name, patch.name)).name;
      if (patch.subscribed !== undefined) await store.setSubscribed(owner, current, patch.subscribed);
      return store.getMailbox(owner, current);
    },
    async deleteMailbox(address, name) {
      const owner = await userId(address);
      try {
        await store.deleteMailbox(owner, name);
      } finally {
        directory.noteUsageChanged([owner]);
      }
    },
    async append(input) {
      const writer = store.blobs.createWriter();
      try {
        const { head, sawAttachment } = await ingest(input.stream, writer, {
          prefix: '',
          maxSize: deps.maxMessageSize,
          verbatim: input.verbatim === true,
        });
        const blob = await writer.finish();
        const index = await parseIndex(head, sawAttachment);
        const target = 'target' in input ? await input.target() : input;
        const placed = await store.append({
          userId: input.userId,
          mailboxId: target.mailboxId,
          blob,
          index,
          flags: target.flags,
          keywords: target.keywords,
          internalDate: target.internalDate,
        });
        directory.noteStored([input.userId], blob.size);
        return placed;
      } catch (err) {
        await writer.abort().catch((e) => log.warn({ err: e }, 'could not remove temp blob'));
        throw err;
      }
    },
    unreadCount: async (address) => store.unreadCount(await userId(address)),
    changes: async (address, options) => store.mailboxDelta(await userId(address), options),
    async unreadCounts(addresses, inDomains) {
      // A few directory queries and one counter query, however many users: portals ask for pages of 1,000.
      const ids = await directory.findUserIds(addresses, inDomains);
      const counts = await store.unreadCounts([...new Set(ids.values())]);
      const out: Record<string, number> = {};
      for (const [address, id] of ids) out[address] = counts.get(id)?.unread ?? 0;
      return out;
    },
    async send(address, input, context) {
      const sender = await directory.getUser(address);
      if (!sender.enabled) throw new AppError('USER_DISABLED', `${sender.address} is disabled`);
      // A draft named but not there is refused before anything is sent.
      if (input.draftId !== undefined) await assertDraft(store, sender.id, input.draftId);
      const recipients = await resolveSendRecipients(
        directory,
        { to: input.to, cc: input.cc, bcc: input.bcc },
        { remoteAllowed: deps.outbound !== undefined },
      );
      if (recipients.count === 0)
        throw new AppError('VALIDATION_FAILED', 'to: at least one recipient is required in to, cc or bcc', {
          field: 'to',
        });
      const charged = await charge(sender.id, sender.address, recipients.count);
      let sent: { id: string; messageId: string };
      try {
        sent = await sendComposed(sender, input, recipients, context);
      } catch (err) {
        await charged?.refund().catch((e) => log.warn({ err: e }, 'could not refund a send-rate charge'));
        throw err;
      }
      if (input.draftId !== undefined) await removeDraft(sender.id, input.draftId);
      return sent;
    },
    async saveDraft(address, input) {
      const sender = await directory.getUser(address);
      return saveDraft(draftDeps, sender, input);
    },
    async replaceDraft(address, id, input) {
      const sender = await directory.getUser(address);
      await assertDraft(store, sender.id, id);
      const saved = await saveDraft(draftDeps, sender, input);
      await removeDraft(sender.id, id);
      return saved;
    },
  };

  const draftDeps = {
    store,
    uploads: deps.uploads,
    hostname: deps.hostname,
    append: (input: Parameters<MailService['append']>[0]) => service.append(input),
  };

  /** Deletes a draft that was sent or replaced; already gone (another tab sent it) is fine. */
  async function removeDraft(userId: string, id: string): Promise<void> {
    try {
      await store.deleteMessage(userId, id);
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'MESSAGE_NOT_FOUND')) throw err;
    } finally {
      directory.noteUsageChanged([userId]);
    }
  }

  /** Composes a send and delivers it: local copies at once, remote recipients into the queue. */
  async function sendComposed(
    sender: { id: string; address: string; displayName: string },
    input: SendInput,
    recipients: SendRecipients,
    context: SendContext | undefined,
  ): Promise<{ id: string; messageId: string }> {
    const resolved = await resolveAttachments(deps, sender.id, input.attachments);
    try {
      const composed = composeStreams({
        ...input,
        attachments: resolved.attachments,
        from: { name: sender.displayName, address: sender.address },
        hostname: deps.hostname,
      });
      return await deliverComposed(sender, composed, recipients, context);
    } finally {
      await resolved.cleanup();
    }
  }

  /** Delivers a composed send: local copies at once, remote recipients into the queue, the Sent copy. */
  async function deliverComposed(
    sender: { id: string; address: string; displayName: string },
    composed: ReturnType<typeof composeStreams>,
    recipients: SendRecipients,
    context: SendContext | undefined,
  ): Promise<{ id: string; messageId: string }> {
    const { messageId } = composed;
    const id = newId();
    const trace = receivedHeader({
      helo: 'api',
      clientAddress: context?.clientAddress ?? '127.0.0.1',
      by: deps.hostname,
      protocol: 'HTTP',
      id,
    });
    // The envelope sender of an API send is the user's own address.
    const outbound =
      recipients.remote.length > 0 ? { mailFrom: sender.address, recipients: recipients.remote } : undefined;
    const deliver = (keepBcc: boolean, sent: boolean, withRecipients: boolean) => {
      // The recipients' copy passes the filter, as submitted mail does; the sender's own Bcc copy needs not.
      const stream = composed.open(keepBcc);
      const filter = withRecipients
        ? deps.sendFilter?.({
            direction: 'outbound',
            mailFrom: sender.address,
            clientIp: context?.clientAddress ?? null,
            authenticated: true,
            stream,
          })
        : undefined;
      return receive({
        stream: filter?.stream ?? stream,
        filter,
        trace,
        targets: withRecipients ? recipients.local : [],
        mailFrom: sender.address,
        outbound: withRecipients ? outbound : undefined,
        maxSize: deps.maxMessageSize,
        submission: sent ? { senderUserId: sender.id } : undefined,
      });
    };
    if (!composed.hasBcc) {
      // One body for every copy: the recipients', the queue's and the sender's are the same bytes.
      const { messageIds } = await deliver(false, true, true);
      return { id: messageIds[messageIds.length - 1] as string, messageId };
    }
    // Blind copies: the sender's copy differs (it keeps `Bcc:`), so it is a delivery of its own.
    // It goes first; if the recipients' delivery (local copies and queue rows, without `Bcc:`)
    // then fails, it is taken back, so that an error means nothing was sent and a retry cannot
    // deliver twice.
    const [sentId] = (await deliver(true, true, false)).messageIds as [string];
    try {
      await deliver(false, false, true);
    } catch (err) {
      await store
        .deleteMessage(sender.id, sentId)
        .catch((e) =>
          log.error({ err: e, messageId: sentId }, 'could not remove the Sent copy of a failed send'),
        );
      directory.noteUsageChanged([sender.id]);
      throw err;
    }
    return { id: sentId, messageId };
  }
  return service;
}
