import type { ResponseValue } from './response-value.js';

/**
 * One address of an envelope (RFC 9051 §7.5.2): display name, source route
 * (obsolete, usually null), local part and domain, as the header had them
 * (encoded-words left encoded, quoting removed); raw 8-bit bytes as a Buffer.
 */
export interface EnvelopeAddress {
  readonly name: string | Buffer | null;
  readonly adl?: string | Buffer | null;
  readonly mailbox: string | Buffer | null;
  readonly host: string | Buffer | null;
}

/** An RFC 5322 group (`Team: a@x, b@y;`): written as start marker, members, end marker. */
export interface EnvelopeGroup {
  readonly group: string | Buffer;
  readonly members: readonly EnvelopeAddress[];
}

/** An address field's entries. */
export type EnvelopeRecipients = ReadonlyArray<EnvelopeAddress | EnvelopeGroup>;

/**
 * The ENVELOPE of a message: raw header values (strings or bytes; 8-bit
 * ones go out as literals unless UTF-8 is allowed). Null = the header is
 * absent; the empty string = present but empty.
 */
export interface Envelope {
  readonly date: string | Buffer | null;
  readonly subject: string | Buffer | null;
  readonly from: EnvelopeRecipients | null;
  /** Null or empty → the From value (RFC 9051 §7.5.2: the server fills it in). */
  readonly sender: EnvelopeRecipients | null;
  /** Null or empty → the From value. */
  readonly replyTo: EnvelopeRecipients | null;
  readonly to: EnvelopeRecipients | null;
  readonly cc: EnvelopeRecipients | null;
  readonly bcc: EnvelopeRecipients | null;
  readonly inReplyTo: string | Buffer | null;
  readonly messageId: string | Buffer | null;
}

/** The ENVELOPE value: `(date subject from sender reply-to to cc bcc in-reply-to message-id)`. */
export function envelopeValue(envelope: Envelope): ResponseValue {
  const from = addresses(envelope.from);
  const orFrom = (list: EnvelopeRecipients | null) => (list && list.length > 0 ? addresses(list) : from);
  return [
    envelope.date,
    envelope.subject,
    from,
    orFrom(envelope.sender),
    orFrom(envelope.replyTo),
    addresses(envelope.to),
    addresses(envelope.cc),
    addresses(envelope.bcc),
    envelope.inReplyTo,
    envelope.messageId,
  ];
}

/** An address list, NIL when empty (RFC 9051 §9 env-from = "(" 1*address ")" / nil). */
function addresses(list: EnvelopeRecipients | null): ResponseValue {
  if (!list || list.length === 0) return null;
  const out: ResponseValue[] = [];
  for (const entry of list) {
    if ('group' in entry) {
      // Group start: mailbox = group name, host NIL; end: mailbox and host NIL.
      out.push([null, null, entry.group, null]);
      for (const member of entry.members) out.push(address(member));
      out.push([null, null, null, null]);
    } else out.push(address(entry));
  }
  return [{ concat: out }];
}

function address(a: EnvelopeAddress): ResponseValue {
  return [a.name, a.adl ?? null, a.mailbox, a.host];
}
