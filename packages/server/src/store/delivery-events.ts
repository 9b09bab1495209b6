/**
 * The `delivery.*` events of outbound mail: `delivery.queued` written by the
 * delivery transaction that queues a message (`commit-rows.ts`), the others
 * by the queue's attempt records (`queue/record.ts`). One event per queue
 * entry (a message to one destination domain) and outcome, listing its
 * recipients. The domain is the sender's, so a domain's reader sees its own
 * outbound mail; the address is the local sender's, when a user sent it.
 */
import type { EventType, NewEvent } from './event-log.js';
import type { QueueDomainsTable, QueueMessagesTable } from './queue-schema.js';
import type { OutboundRows } from './types.js';

type Message = Pick<
  QueueMessagesTable,
  'mail_from' | 'sender_domain' | 'sender_user_id' | 'header_message_id'
>;

/** One `delivery.*` event about the entry `job` of `message`. */
export function deliveryEvent(
  type: Extract<EventType, `delivery.${string}`>,
  message: Message,
  job: Pick<QueueDomainsTable, 'id' | 'domain'>,
  recipients: string[],
  extra: Record<string, unknown> = {},
): NewEvent {
  return {
    type,
    domain: message.sender_domain || null,
    address: message.sender_user_id ? message.mail_from.toLowerCase() : null,
    data: {
      queueId: job.id,
      messageId: message.header_message_id,
      sender: message.mail_from,
      domain: job.domain,
      recipients,
      ...extra,
    },
  };
}

/** `delivery.queued` for each destination of a message queued by a delivery. */
export function queuedEvents(rows: OutboundRows): NewEvent[] {
  const byJob = new Map<string, string[]>();
  for (const r of rows.recipients)
    byJob.set(r.queue_domain_id, [...(byJob.get(r.queue_domain_id) ?? []), r.address]);
  return rows.domains.map((d) => deliveryEvent('delivery.queued', rows.message, d, byJob.get(d.id) ?? []));
}
