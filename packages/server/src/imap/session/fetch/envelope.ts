import type { MimeEntity } from '../../../mail/index.js';
import type { Envelope, EnvelopeAddress, EnvelopeRecipients } from '../../protocol/index.js';
import { type ParsedAddress, parseAddressList } from './address-list.js';

/**
 * A header value for the wire: a byte string with 8-bit bytes goes out as
 * those bytes (a literal, or UTF-8 in a quoted string when allowed), an
 * ASCII one as a string.
 */
export function wireText(value: string): string | Buffer {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: any byte outside ASCII
  return /[^\x00-\x7f]/.test(value) ? Buffer.from(value, 'latin1') : value;
}

function text(value: string | undefined): string | Buffer | null {
  return value === undefined ? null : wireText(value);
}

function address(a: ParsedAddress): EnvelopeAddress {
  return {
    name: a.name === null || a.name === '' ? null : wireText(a.name),
    adl: a.route,
    mailbox: wireText(a.mailbox),
    host: wireText(a.host),
  };
}

/** An address header's entries; null when absent or when it names nobody. */
function recipients(value: string | undefined): EnvelopeRecipients | null {
  if (value === undefined) return null;
  const list = parseAddressList(value);
  if (list.length === 0) return null;
  return list.map((entry) =>
    'group' in entry ? { group: wireText(entry.group), members: entry.members.map(address) } : address(entry),
  );
}

/**
 * The ENVELOPE of a message (RFC 9051 §7.5.2) from its kept header fields:
 * values raw (encoded words stay encoded), Sender and Reply-To falling back
 * to From in the encoder.
 */
export function envelopeOf(message: MimeEntity): Envelope {
  const f = message.fields;
  return {
    date: text(f.date),
    subject: text(f.subject),
    from: recipients(f.from),
    sender: recipients(f.sender),
    replyTo: recipients(f['reply-to']),
    to: recipients(f.to),
    cc: recipients(f.cc),
    bcc: recipients(f.bcc),
    inReplyTo: text(f['in-reply-to']),
    messageId: text(f['message-id']),
  };
}
