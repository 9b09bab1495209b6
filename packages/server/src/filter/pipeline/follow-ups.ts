import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import libmime from 'libmime';
import type { Logger } from 'pino';
import type { Action } from '../rules/index.js';

/** A message the filter sends on its own: a forward, an archive copy, a vacation reply. */
export interface NewMessage {
  /** The envelope sender; '' is the null sender (RFC 3834 §4: automatic replies use it). */
  mailFrom: string;
  recipients: string[];
  /** The whole message (for a forward or a copy: the stored body, read again). */
  body(): Readable;
  /** For logs. */
  why: string;
}

/**
 * Delivers a new message like any other: local recipients to their INBOX,
 * remote ones into the outbound queue (main.ts builds it on the mail service).
 */
export type SendNew = (message: NewMessage) => Promise<void>;

/** What a follow-up needs to know of the message it follows. */
export interface FollowedMessage {
  blobId: string;
  readBody(blobId: string): Readable;
  /** The envelope sender of the original ('' for a bounce: no vacation reply goes to it). */
  mailFrom: string;
  headerMessageId: string | null;
  subject: string;
}

/** One recipient's follow-up actions, as the rules gave them. */
export interface RecipientFollowUps {
  userId: string;
  address: string;
  actions: Action[];
}

export interface FollowUpDeps {
  sendNew: SendNew;
  /** The rules store's vacation log: true once per sender per `days` (RFC 3834 §2). */
  claimVacationReply(userId: string, sender: string, days: number): Promise<boolean>;
  hostname: string;
  log: Logger;
}

/**
 * A vacation reply (RFC 3834): from the recipient, to the envelope sender, as
 * a reply to the message (§3.1.5 In-Reply-To/References; §3.1.7
 * `Auto-Submitted: auto-replied`), sent with the null sender so that nothing
 * answers it in turn (§3.3).
 */
export function vacationReply(
  from: string,
  to: string,
  reply: { subject: string; text: string },
  original: { headerMessageId: string | null },
  hostname: string,
): string {
  const id = `<${Date.now().toString(36)}.${randomBytes(9).toString('base64url')}@${hostname}>`;
  const lines = [
    `From: ${from}`,
    `To: ${to}`,
    `Subject: ${libmime.encodeWords(reply.subject, 'Q', 52)}`,
    `Date: ${new Date().toUTCString().replace(/GMT$/, '+0000')}`,
    `Message-ID: ${id}`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
  ];
  if (original.headerMessageId)
    lines.push(`In-Reply-To: ${original.headerMessageId}`, `References: ${original.headerMessageId}`);
  const body = Buffer.from(reply.text, 'utf8').toString('base64').replace(/.{76}/g, '$&\r\n');
  return `${lines.join('\r\n')}\r\n\r\n${body}\r\n`;
}

/**
 * Runs the follow-ups of a delivered message: `forward` (as the recipient,
 * the original bytes), `copyTo` (the original bytes, envelope unchanged) and
 * `vacation` (once per sender per N days). Each is a new message; a failure
 * is logged and never undoes the delivery.
 */
export async function runFollowUps(
  deps: FollowUpDeps,
  message: FollowedMessage,
  recipients: RecipientFollowUps[],
): Promise<void> {
  const body = () => message.readBody(message.blobId);
  // One archive copy per address, however many recipients' rules asked for it.
  const copied = new Set<string>();
  for (const r of recipients) {
    for (const a of r.actions) {
      try {
        if (a.action === 'forward')
          await deps.sendNew({
            mailFrom: r.address,
            recipients: [a.to],
            body,
            why: `forward by ${r.address}`,
          });
        else if (a.action === 'copyTo') {
          if (copied.has(a.address.toLowerCase())) continue;
          copied.add(a.address.toLowerCase());
          await deps.sendNew({
            mailFrom: message.mailFrom,
            recipients: [a.address],
            body,
            why: `copy for ${r.address}`,
          });
        } else if (a.action === 'vacation' && message.mailFrom !== '') {
          if (!(await deps.claimVacationReply(r.userId, message.mailFrom, a.days))) continue;
          const raw = vacationReply(r.address, message.mailFrom, a, message, deps.hostname);
          await deps.sendNew({
            mailFrom: '',
            recipients: [message.mailFrom],
            body: () => Readable.from([Buffer.from(raw, 'utf8')]),
            why: `vacation reply of ${r.address}`,
          });
        }
      } catch (err) {
        deps.log.warn({ err, action: a.action, recipient: r.address }, 'a rule follow-up failed');
      }
    }
  }
}
