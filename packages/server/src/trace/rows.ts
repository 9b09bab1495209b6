import { AppError, newId } from '../shared/index.js';
import type { MessageTraceTable } from '../store/index.js';
import type { TraceEvent, TraceEventName } from './types.js';

/** The domain of an address, lower-case; '' for none (the null sender). */
export const domainOf = (address: string): string => {
  const at = address.lastIndexOf('@');
  return at < 0 ? '' : address.slice(at + 1).toLowerCase();
};

/** The longest remote answer kept in a trace row; a remote MTA's text is not ours to store in full. */
const MAX_RESPONSE = 1000;

export function toRow(e: TraceEvent): MessageTraceTable {
  const sender = e.sender.toLowerCase();
  const recipient = e.recipient ? e.recipient.toLowerCase() : null;
  const detail = e.detail ? { ...e.detail } : undefined;
  if (detail?.response && detail.response.length > MAX_RESPONSE)
    detail.response = detail.response.slice(0, MAX_RESPONSE);
  return {
    id: newId(e.at),
    at: e.at,
    event: e.event,
    message_id: e.messageId,
    queue_id: e.queueId ?? null,
    sender,
    sender_domain: domainOf(sender),
    recipient,
    recipient_domain: recipient ? domainOf(recipient) : null,
    detail: detail && Object.keys(detail).length > 0 ? JSON.stringify(detail) : null,
  };
}

export function fromRow(r: MessageTraceTable): TraceEvent {
  const e: TraceEvent = {
    at: Number(r.at),
    event: r.event as TraceEventName,
    messageId: r.message_id,
    queueId: r.queue_id,
    sender: r.sender,
    recipient: r.recipient,
  };
  if (r.detail) {
    try {
      e.detail = JSON.parse(r.detail) as TraceEvent['detail'];
    } catch {
      // A damaged detail reads as none rather than failing the whole page.
    }
  }
  return e;
}

/** A page position: the last row's time and id (the keyset of the newest-first order). */
export function encodeTraceCursor(at: number, id: string): string {
  return Buffer.from(JSON.stringify({ a: at, i: id })).toString('base64url');
}

export function decodeTraceCursor(token: string): { at: number; id: string } {
  const invalid = () => new AppError('INVALID_CURSOR');
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(token)) throw invalid();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const { a, i } = (value ?? {}) as { a?: unknown; i?: unknown };
  if (typeof a !== 'number' || !Number.isSafeInteger(a) || typeof i !== 'string' || i.length > 64)
    throw invalid();
  return { at: a, id: i };
}
