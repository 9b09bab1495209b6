/**
 * The `message.*` events the store writes, built from what the change
 * already has in hand (no extra read): enough for a portal to show the
 * message without another call. Their schemas are in `events/catalogue.ts`.
 */
import type { NewEvent } from './event-log.js';
import { domainOf } from './event-log.js';
import type { DeliveryInput } from './types.js';

/** One placed copy of a delivery or an APPEND. */
export interface PlacedCopy {
  /** The mailbox owner's address. */
  address: string;
  mailbox: string;
  id: string;
  uid: number;
  unread: boolean;
}

/** `message.new` for one placed copy of `input`. */
export function messageNewEvent(
  input: Pick<DeliveryInput, 'index' | 'blob' | 'internalDate'>,
  copy: PlacedCopy,
): NewEvent {
  const { index } = input;
  return {
    type: 'message.new',
    domain: domainOf(copy.address),
    address: copy.address,
    data: {
      address: copy.address,
      mailbox: copy.mailbox,
      id: copy.id,
      uid: copy.uid,
      messageId: index.messageId,
      from: { name: index.from.name, address: index.from.address },
      subject: index.subject,
      preview: index.preview,
      size: input.blob.size,
      hasAttachments: index.hasAttachments,
      unread: copy.unread,
      receivedAt: new Date(input.internalDate).toISOString(),
    },
  };
}
