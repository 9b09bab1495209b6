/** Row types of the outbound queue and the message trace (migration `0008-outbound`). */
/** What a queued message is: ordinary mail, or a delivery status notification jdmail made (never bounced). */
export type QueueKind = 'mail' | 'bounce' | 'delay';

/**
 * One queued outbound message (see `queue/`): its body is a blob like a stored
 * message's, and this row holds a reference to it until every recipient is
 * delivered or has failed, when the row goes and the body is released.
 */
export interface QueueMessagesTable {
  id: string;
  blob_id: string;
  size: number;
  /** The envelope sender (MAIL FROM); '' is the null sender `<>` (bounces). */
  mail_from: string;
  /** The local user who sent it, when one did: bounces go to their INBOX. */
  sender_user_id: string | null;
  /** Domain of `mail_from` (lower-case), '' for the null sender; a domain admin's scope. */
  sender_domain: string;
  /** The RFC 5322 Message-ID, for traces and bounces. */
  header_message_id: string | null;
  subject: string;
  kind: QueueKind;
  /** 1 when the message needs SMTPUTF8 (RFC 6531). */
  smtputf8: number;
  created_at: number;
  /** Given up (and bounced) at this instant: created_at + queue.maxAgeHours. */
  expires_at: number;
}

export type QueueDomainState = 'queued' | 'sending' | 'deferred';

/**
 * One delivery job: a queued message's recipients at one destination domain.
 * Due when `next_attempt_at` has passed. A claimed row is `sending` with its
 * `next_attempt_at` moved to the end of its lease, so a row whose claimer died
 * becomes due again by itself, and one index serves the claim.
 */
export interface QueueDomainsTable {
  id: string;
  queue_message_id: string;
  /** Destination domain, lower-case. */
  domain: string;
  state: QueueDomainState;
  attempts: number;
  next_attempt_at: number;
  /** The worker (node id) that holds the lease, while `sending`. */
  lease_owner: string | null;
  lease_until: number | null;
  last_code: number | null;
  last_enhanced: string | null;
  last_response: string | null;
  last_attempt_at: number | null;
  /** 1 once a delay notice went to the sender. */
  delay_notified: number;
  created_at: number;
  updated_at: number;
}

export type QueueRecipientState = 'pending' | 'delivered' | 'deferred' | 'failed';

/** One recipient of a delivery job and the remote answer of its last attempt. */
export interface QueueRecipientsTable {
  queue_domain_id: string;
  queue_message_id: string;
  address: string;
  state: QueueRecipientState;
  code: number | null;
  enhanced: string | null;
  response: string | null;
  remote_host: string | null;
  updated_at: number;
}

/** One hop of a message (see `trace/`): received, queued, each delivery attempt, bounced … */
export interface MessageTraceTable {
  /** Time-ordered id (newId at the event's time): the cursor's tie-break. */
  id: string;
  at: number;
  event: string;
  /** The RFC 5322 Message-ID. */
  message_id: string | null;
  queue_id: string | null;
  /** Envelope sender, lower-case ('' = null sender). */
  sender: string;
  sender_domain: string;
  recipient: string | null;
  recipient_domain: string | null;
  /** JSON of the event's detail (code, response, remote host …), or null. */
  detail: string | null;
}
