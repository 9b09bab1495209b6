import type { Address } from '../store/index.js';
import { mailboxes } from './index-headers.js';

/** Message-IDs in a header value (`<a@b> <c@d>`), in order. */
const messageIds = (value: string): string[] => value.match(/<[^<>\s]+>/g) ?? [];

/**
 * The fields of a message's header section that the index does not keep but a reply or a
 * re-opened draft needs: `Bcc:` (present in the sender's own copies only), `Reply-To:`,
 * `In-Reply-To:` and `References:` (RFC 5322 §3.6.3, §3.6.4).
 */
export function threadFields(headers: readonly { name: string; value: string }[]): {
  bcc: Address[];
  replyTo: Address[];
  inReplyTo: string | null;
  references: string[];
} {
  const values = (name: string) => headers.filter((h) => h.name.toLowerCase() === name).map((h) => h.value);
  return {
    bcc: mailboxes(values('bcc')),
    replyTo: mailboxes(values('reply-to')),
    inReplyTo: messageIds(values('in-reply-to').join(' '))[0] ?? null,
    references: messageIds(values('references').join(' ')),
  };
}
