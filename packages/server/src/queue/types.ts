import type { Readable } from 'node:stream';
import type { OutboundRows, QueueDomainState, QueueRecipientState } from '../store/index.js';
import type { QueueScope } from './scope.js';

/** What `QueueService.list` filters on; every given field must match. */
export interface QueueFilter {
  state?: QueueDomainState;
  /** Destination domain. */
  domain?: string;
  /** Envelope sender ('' for bounces). */
  sender?: string;
  /** One of the entry's recipients. */
  recipient?: string;
}

/** One queue entry: a queued message's recipients at one destination domain. */
export interface QueueEntry {
  /** The entry's id (one message, one destination domain). */
  id: string;
  queueMessageId: string;
  domain: string;
  state: QueueDomainState;
  attempts: number;
  /** ISO 8601. */
  createdAt: string;
  nextAttemptAt: string;
  expiresAt: string;
  /** Envelope sender; '' is the null sender. */
  sender: string;
  size: number;
  subject: string;
  headerMessageId: string | null;
  lastError: { code: number | null; enhanced: string | null; response: string; at: string } | null;
  recipients: {
    address: string;
    state: QueueRecipientState;
    code: number | null;
    response: string | null;
  }[];
}

/** The outbound queue as operators and the sending paths see it. */
export interface QueueService {
  /** Entries in id (arrival) order. */
  list(
    filter: QueueFilter & { limit: number; cursor?: string },
    scope: QueueScope,
  ): Promise<{ items: QueueEntry[]; nextCursor: string | null }>;
  /** QUEUE_ENTRY_NOT_FOUND (404), also for another domain's entry. */
  get(id: string, scope: QueueScope): Promise<QueueEntry>;
  /** Makes the entry due now (a `sending` entry is left to its attempt). */
  retry(id: string, scope: QueueScope): Promise<QueueEntry>;
  /**
   * Takes the entry out of the queue; with `bounce`, its undelivered recipients
   * are reported to the sender as failed (never for a bounce or the null sender).
   */
  remove(id: string, scope: QueueScope, options?: { bounce?: boolean }): Promise<void>;
  /**
   * Tells the queue that `rows` were committed (by `MailStore.deliver` with
   * `outbound`): records their `queued` trace events and wakes the worker, so
   * they are sent at once rather than at its next look.
   */
  enqueued(rows: OutboundRows): void;
  /** Starts the worker (SQLite: first puts back the jobs a previous run left `sending`). */
  start(): void;
  /** Stops claiming; waits for the attempts in flight and records them. */
  stop(): Promise<void>;
}

// The worker hands jobs to the transport (`queue/delivery`): its types are the contract.
export type { DeliveryJob, DeliveryResult, RecipientResult, Transport } from './delivery/types.js';

/** DKIM signing of outbound mail (see the mail-auth module). */
export interface DkimSigner {
  /** DKIM-Signature header(s), CRLF-terminated, or null when there is no key for that domain. */
  sign(input: { fromDomain: string; body(): Readable }): Promise<string | null>;
}
