import { AppError, newId, normalizeDomain, splitAddress } from '../shared/index.js';
import type { OutboundRows, QueueDomainsTable, QueueKind, QueueRecipientsTable } from '../store/index.js';

/** Default `queue.maxAgeHours`: five days, as Postfix's `maximal_queue_lifetime`. */
export const DEFAULT_MAX_AGE_HOURS = 120;

/** What `planOutbound` makes rows of. */
export interface PlanInput {
  /** Envelope sender; '' is the null sender (bounces). */
  mailFrom: string;
  /** Remote recipients; their domain decides the job they join. */
  recipients: string[];
  /** The local user sending, when there is one: their INBOX gets the bounces. */
  senderUserId?: string;
  headerMessageId: string | null;
  subject: string;
  size: number;
  smtputf8: boolean;
  /** Epoch ms: the message's arrival. */
  now: number;
  kind?: QueueKind;
  /** Give up after this long; default DEFAULT_MAX_AGE_HOURS (pass `queue.maxAgeHours`). */
  maxAgeHours?: number;
}

/**
 * Splits an address into the form the queue keeps: the local part as given
 * (RFC 5321 §2.4: only the destination may fold its case), the domain in its
 * canonical form (A-labels, lower-case), which is what DNS is asked about.
 */
function outboundAddress(address: string): { address: string; domain: string } {
  const parts = splitAddress(address.trim());
  if (!parts) throw new AppError('VALIDATION_FAILED', `${address} is not an address with a domain`);
  const domain = normalizeDomain(parts.domain);
  return { address: `${parts.local}@${domain}`, domain };
}

/**
 * The queue rows of one outbound message: the message, one delivery job per
 * destination domain (due at once), and one pending row per distinct
 * recipient. Pure: the store fills in the blob id when it commits the rows
 * with the message (`DeliveryInput.outbound`).
 */
export function planOutbound(input: PlanInput): OutboundRows {
  if (input.recipients.length === 0) throw new AppError('VALIDATION_FAILED', 'no recipients to queue');
  const { now } = input;
  const messageId = newId(now);
  const sender = input.mailFrom === '' ? undefined : outboundAddress(input.mailFrom);
  const byDomain = new Map<string, QueueDomainsTable>();
  const recipients = new Map<string, QueueRecipientsTable>();
  for (const raw of input.recipients) {
    const { address, domain } = outboundAddress(raw);
    let job = byDomain.get(domain);
    if (!job) {
      job = newJob(messageId, domain, now);
      byDomain.set(domain, job);
    }
    const key = address.toLowerCase();
    if (recipients.has(key)) continue;
    recipients.set(key, {
      queue_domain_id: job.id,
      queue_message_id: messageId,
      address,
      state: 'pending',
      code: null,
      enhanced: null,
      response: null,
      remote_host: null,
      updated_at: now,
    });
  }
  const maxAgeMs = (input.maxAgeHours ?? DEFAULT_MAX_AGE_HOURS) * 3600_000;
  return {
    message: {
      id: messageId,
      blob_id: '',
      size: input.size,
      mail_from: sender?.address ?? '',
      sender_user_id: input.senderUserId ?? null,
      sender_domain: sender?.domain ?? '',
      header_message_id: input.headerMessageId,
      subject: input.subject,
      kind: input.kind ?? 'mail',
      smtputf8: input.smtputf8 ? 1 : 0,
      created_at: now,
      expires_at: now + maxAgeMs,
    },
    domains: [...byDomain.values()],
    recipients: [...recipients.values()],
  };
}

function newJob(messageId: string, domain: string, now: number): QueueDomainsTable {
  return {
    id: newId(now),
    queue_message_id: messageId,
    domain,
    state: 'queued',
    attempts: 0,
    next_attempt_at: now,
    lease_owner: null,
    lease_until: null,
    last_code: null,
    last_enhanced: null,
    last_response: null,
    last_attempt_at: null,
    delay_notified: 0,
    created_at: now,
    updated_at: now,
  };
}
