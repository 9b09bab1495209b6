import { randomBytes } from 'node:crypto';
import libmime from 'libmime';
import { rfc5322Date } from '../mail/index.js';
import { fieldValue, type HeaderField } from './header-fields.js';
import type { Vacation } from './types.js';

/** What decides whether a delivered copy is answered. */
export interface AutoReplyFacts {
  /** The envelope sender; '' is the null sender. */
  mailFrom: string;
  fields: readonly HeaderField[];
  /** The addresses of To and Cc, lower-cased. */
  addressedTo: readonly string[];
  /** The user's own addresses (canonical and aliases), lower-cased. */
  own: ReadonlySet<string>;
  /** The copy went to Junk (judged spam). */
  junk: boolean;
  vacation: Vacation;
  now: number;
}

/**
 * Why a message gets no auto-reply, or null when it gets one (the once per
 * sender per `days` check comes after, in the store). RFC 3834 §2 and RFC 5230 §4.5–4.6.
 */
export function autoReplyRefusal(f: AutoReplyFacts): string | null {
  const v = f.vacation;
  if (!v.enabled) return 'off';
  if (v.startsAt !== null && f.now < v.startsAt) return 'not started';
  if (v.endsAt !== null && f.now >= v.endsAt) return 'ended';
  const sender = f.mailFrom.toLowerCase();
  // RFC 3834 §2: never to a null return path (bounces, other automatic replies).
  if (sender === '') return 'null sender';
  const local = sender.slice(0, sender.lastIndexOf('@'));
  // RFC 5230 §4.6: nor to the addresses of mailing-list software and mail systems.
  if (/^(mailer-daemon|postmaster|listserv|majordomo)$/.test(local)) return 'system sender';
  if (local.startsWith('owner-') || local.endsWith('-request') || local.endsWith('-owner'))
    return 'list sender';
  if (f.own.has(sender)) return 'own address';
  // RFC 3834 §5.1: Auto-Submitted other than "no" is automatic mail.
  const auto = fieldValue(f.fields, 'auto-submitted');
  if (auto !== undefined && auto.split(';')[0]?.trim().toLowerCase() !== 'no') return 'auto-submitted';
  // RFC 3834 §2: list and bulk mail (Precedence is not standard, but widely sent).
  if (/^(bulk|list|junk)$/i.test(fieldValue(f.fields, 'precedence')?.trim() ?? '')) return 'precedence';
  if (f.fields.some((x) => x.name === 'list-id' || x.name === 'list-unsubscribe')) return 'list message';
  if (f.junk) return 'spam';
  // RFC 5230 §4.5: only mail addressed to the user, not Bcc'd or sent through a list or alias.
  if (!f.addressedTo.some((a) => f.own.has(a))) return 'not addressed';
  return null;
}

/** The subject of the reply: the user's, else "Auto: " and the original's (RFC 3834 §3.1.5). */
export const autoReplySubject = (vacation: Vacation, original: string): string =>
  (vacation.subject.trim() || `Auto: ${original}`).replace(/[\r\n]+/g, ' ');

/**
 * The reply (RFC 3834 §3): from the user, to the sender, `Auto-Submitted:
 * auto-replied` (§5), In-Reply-To and References linking it to the
 * original (§3.1.5); sent with the null return path (§3.3) by the caller.
 */
export function autoReplyMessage(input: {
  from: { address: string; name: string };
  to: string;
  subject: string;
  text: string;
  original: { messageId: string | null; references: string | undefined };
  hostname: string;
  now: number;
}): string {
  const { from, original } = input;
  const id = `<${input.now.toString(36)}.${randomBytes(9).toString('base64url')}@${input.hostname}>`;
  const name = from.name ? `${libmime.encodeWords(from.name, 'Q', 52)} ` : '';
  const lines = [
    `From: ${name}<${from.address}>`,
    `To: <${input.to}>`,
    `Subject: ${libmime.encodeWords(input.subject, 'Q', 52)}`,
    `Date: ${rfc5322Date(new Date(input.now))}`,
    `Message-ID: ${id}`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
  ];
  if (original.messageId) {
    const refs = [original.references, original.messageId].filter(Boolean).join(' ');
    lines.push(`In-Reply-To: ${original.messageId}`, `References: ${refs.slice(-900)}`);
  }
  const body = Buffer.from(input.text, 'utf8').toString('base64').replace(/.{76}/g, '$&\r\n');
  return `${lines.join('\r\n')}\r\n\r\n${body}\r\n`;
}
