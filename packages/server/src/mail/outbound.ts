import type { OutboundRows } from '../store/index.js';

/**
 * What the queue needs to know of a message to plan its outbound rows
 * (`queue.planOutbound`'s input): the envelope and a few index fields for
 * the operators' views.
 */
export interface OutboundPlanInput {
  /** The envelope sender; '' is the null sender. */
  mailFrom: string;
  /** Remote recipients, canonical; the queue groups them by domain. */
  recipients: string[];
  senderUserId?: string;
  headerMessageId: string | null;
  subject: string;
  size: number;
  smtputf8: boolean;
  now: number;
}

/**
 * The outbound queue as the mail service uses it. Passed in rather than
 * imported: `queue/` builds on `mail/`, not the other way round.
 */
export interface OutboundQueue {
  /** Plans the queue rows of a message (`queue.planOutbound`, with `queue.maxAgeHours`). */
  plan(input: OutboundPlanInput): OutboundRows;
  /** Told once the rows are committed (`QueueService.enqueued`): traces them and wakes the worker. */
  enqueued(rows: OutboundRows): void;
}

/** A hop the mail service reports to the message trace (`trace.MessageTrace.record`). */
export interface StoredEvent {
  at: number;
  event: 'stored';
  messageId: string | null;
  sender: string;
  recipient: string;
  detail: { mailbox: string };
}

/** Where the mail service reports local deliveries (`MessageTrace`); it buffers, never blocks. */
export interface TraceRecorder {
  record(event: StoredEvent): void;
}

/** Remote recipients of one message to hand to the queue, in the same transaction as its local copies. */
export interface OutboundInput {
  /** The envelope sender: the user's address (submission checks that MAIL FROM is theirs). */
  mailFrom: string;
  recipients: string[];
  /** The client asked for SMTPUTF8 (RFC 6531 §3.4); addresses that need it are detected too. */
  smtputf8?: boolean;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the test is for non-ASCII
const NON_ASCII = /[^\x00-\x7f]/;

/** Whether relaying the envelope needs the SMTPUTF8 extension (RFC 6531 §3.2: a UTF-8 address). */
export const needsSmtpUtf8 = (input: OutboundInput): boolean =>
  input.smtputf8 === true || [input.mailFrom, ...input.recipients].some((a) => NON_ASCII.test(a));
