import type { QueueScope } from '../queue/scope.js';

/** What happened to a message at one hop. */
export type TraceEventName =
  | 'received'
  | 'refused'
  | 'stored'
  | 'queued'
  | 'deferred'
  | 'delivered'
  | 'failed'
  | 'bounced'
  | 'expired'
  | 'deleted'
  | 'filtered';

/** One hop of a message: received, queued, each delivery attempt with the remote answer, bounced … */
export interface TraceEvent {
  /** Epoch ms. */
  at: number;
  event: TraceEventName;
  /** The RFC 5322 Message-ID. */
  messageId: string | null;
  /** The queue entry (one message, one destination domain) the event concerns. */
  queueId?: string | null;
  /** Envelope sender ('' = the null sender). */
  sender: string;
  recipient?: string | null;
  detail?: {
    code?: number;
    enhanced?: string;
    response?: string;
    remoteHost?: string;
    mailbox?: string;
    reason?: string;
    tls?: boolean;
  };
}

/** What `MessageTrace.query` looks for; every given field must match. */
export interface TraceFilter {
  messageId?: string;
  /** Envelope sender. */
  from?: string;
  /** Recipient. */
  to?: string;
  /** Epoch ms, inclusive. */
  since?: number;
  /** Epoch ms, exclusive. */
  until?: number;
  limit: number;
  cursor?: string;
}

/**
 * Every hop of a message in one table. `record` buffers; the buffer is written
 * in batches (a trace is a log, not the durability path: a crash may lose
 * its last second). Queries see what has been written, newest first.
 */
export interface MessageTrace {
  record(event: TraceEvent): void;
  /** Newest first. A domain admin's scope sees events whose sender or recipient domain is theirs. */
  query(filter: TraceFilter, scope: QueueScope): Promise<{ items: TraceEvent[]; nextCursor: string | null }>;
}
