/**
 * Bounces and delay notices to the sender of a queued message. A local
 * sender's goes into their INBOX through the store, as any delivery; a remote
 * sender's is queued from the null sender. Never to the null sender and never
 * about a notice (RFC 3464 §4 and RFC 5321 §4.5.5: no bounce loops).
 */
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { MailStore, OutboundRows, QueueMessagesTable } from '../store/index.js';
import type { MessageTrace } from '../trace/index.js';
import { composeDsn, type DsnRecipient } from './dsn.js';
import { planOutbound } from './plan.js';

/** The most of the original header section a notice carries. */
const MAX_HEADER_BYTES = 64 * 1024;

export interface NoticeDeps {
  store: Pick<MailStore, 'deliver' | 'blobs'>;
  hostname: string;
  maxAgeHours: number;
  trace?: MessageTrace;
  /** Told about a notice queued for a remote sender. */
  onQueued(rows: OutboundRows): void;
  log?: Logger;
}

/** Whether a message may get a notice at all. */
export const mayNotify = (m: Pick<QueueMessagesTable, 'kind' | 'mail_from'>) =>
  m.kind === 'mail' && m.mail_from !== '';

/** The header section of a stored body (up to and including its empty line), at most MAX_HEADER_BYTES. */
export async function readHeaderSection(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of stream) {
      parts.push(chunk as Buffer);
      length += (chunk as Buffer).length;
      const all = Buffer.concat(parts, length);
      const end = all.indexOf('\r\n\r\n');
      if (end >= 0) return all.subarray(0, end + 2);
      if (length >= MAX_HEADER_BYTES) return all.subarray(0, all.lastIndexOf('\r\n') + 2);
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(parts, length);
}

/**
 * Sends one notice about `recipients` of `message`. Resolves once it is
 * durable (stored or queued); a failure is logged and swallowed: a notice
 * must not keep the queue from recording what happened.
 */
export async function sendNotice(
  deps: NoticeDeps,
  message: QueueMessagesTable,
  action: 'failed' | 'delayed',
  recipients: DsnRecipient[],
  originalHeaders: Buffer,
  now: number,
): Promise<void> {
  if (!mayNotify(message) || recipients.length === 0) return;
  const dsn = composeDsn({
    action,
    hostname: deps.hostname,
    to: message.mail_from,
    arrivalDate: Number(message.created_at),
    willRetryUntil: action === 'delayed' ? Number(message.expires_at) : undefined,
    originalMessageId: message.header_message_id,
    originalSubject: message.subject,
    originalHeaders,
    recipients,
    now,
  });
  const writer = deps.store.blobs.createWriter();
  try {
    await writer.write(dsn.bytes);
    const blob = await writer.finish();
    const index = {
      from: { name: 'Mail Delivery System', address: dsn.from },
      to: [{ name: '', address: message.mail_from }],
      cc: [],
      subject: dsn.subject,
      date: now,
      messageId: dsn.messageId,
      preview: dsn.preview,
      hasAttachments: false,
    };
    const outbound = message.sender_user_id
      ? undefined
      : planOutbound({
          mailFrom: '',
          recipients: [message.mail_from],
          headerMessageId: dsn.messageId,
          subject: dsn.subject,
          size: blob.size,
          smtputf8: false,
          now,
          kind: action === 'failed' ? 'bounce' : 'delay',
          maxAgeHours: deps.maxAgeHours,
        });
    const targets = message.sender_user_id ? [{ userId: message.sender_user_id, mailbox: 'INBOX' }] : [];
    await deps.store.deliver({ blob, targets, index, internalDate: now, outbound });
    if (outbound) deps.onQueued(outbound);
    if (action === 'failed')
      deps.trace?.record({
        at: now,
        event: 'bounced',
        messageId: message.header_message_id,
        queueId: message.id,
        sender: message.mail_from,
        recipient: message.mail_from,
        detail: {
          reason: `bounce for ${recipients.map((r) => r.address).join(', ')}`,
          ...(message.sender_user_id ? { mailbox: 'INBOX' } : {}),
        },
      });
  } catch (err) {
    await writer.abort().catch(() => undefined);
    deps.log?.error({ err, queueMessageId: message.id, action }, 'could not send a delivery status notice');
  }
}
