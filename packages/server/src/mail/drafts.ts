import { AppError } from '../shared/index.js';
import { FLAG, type MailStore, type MessageSummary } from '../store/index.js';
import { composeStreams } from './compose.js';
import { type AttachmentSources, resolveAttachments } from './send-attachments.js';
import type { AppendInput, SendInput } from './types.js';

export interface DraftDeps extends AttachmentSources {
  store: MailStore;
  hostname: string;
  /** The mail service's append: the same ingest, size limit and quota as IMAP APPEND. */
  append(input: AppendInput): Promise<{ messageId: string }>;
}

/** The user's `\Drafts` mailbox (RFC 6154), made if they have none. */
async function draftsMailbox(store: MailStore, userId: string): Promise<string> {
  const boxes = await store.listMailboxes(userId);
  const found = boxes.find((b) => b.specialUse === '\\Drafts');
  if (found) return found.id;
  const named = boxes.find((b) => b.name === 'Drafts');
  if (named) return named.id;
  return (await store.createMailbox(userId, 'Drafts', { specialUse: '\\Drafts', subscribe: true })).id;
}

/**
 * Files a draft in the user's `\Drafts` mailbox, flagged `\Draft` and `\Seen` as mail clients
 * file theirs (RFC 9051 §2.3.2), composed like a send (so `Bcc:` stays, for the user's own
 * copy) and streamed: attachments are read from files as the message is stored.
 */
export async function saveDraft(
  deps: DraftDeps,
  sender: { id: string; address: string; displayName: string },
  input: Partial<SendInput>,
): Promise<MessageSummary> {
  const mailboxId = await draftsMailbox(deps.store, sender.id);
  const resolved = await resolveAttachments(deps, sender.id, input.attachments);
  try {
    const composed = composeStreams({
      ...input,
      subject: input.subject ?? '',
      attachments: resolved.attachments,
      from: { name: sender.displayName, address: sender.address },
      hostname: deps.hostname,
    });
    const placed = await deps.append({
      userId: sender.id,
      mailboxId,
      flags: FLAG.draft | FLAG.seen,
      stream: composed.open(true),
    });
    return await deps.store.getMessage(sender.id, placed.messageId);
  } finally {
    await resolved.cleanup();
  }
}

/** A draft of the user's: MESSAGE_NOT_FOUND unless `id` is a message of theirs flagged `\Draft`. */
export async function assertDraft(store: MailStore, userId: string, id: string): Promise<MessageSummary> {
  const draft = await store.getMessage(userId, id);
  if (!draft.draft) throw new AppError('MESSAGE_NOT_FOUND', `message ${id} is not a draft`);
  return draft;
}
