import { type Static, Type } from 'typebox';
import type { QueueEntry } from '../../queue/index.js';
import type { TraceEvent } from '../../trace/index.js';
import { AddressString, Cursor, DomainName, iso, Limit, Nullable, PageOf, Timestamp } from './common.js';

const QUEUE_STATES = ['queued', 'sending', 'deferred'] as const;
const RECIPIENT_STATES = ['pending', 'delivered', 'deferred', 'failed'] as const;
const TRACE_EVENTS = [
  'received',
  'refused',
  'stored',
  'queued',
  'deferred',
  'delivered',
  'failed',
  'bounced',
  'expired',
  'deleted',
  'filtered',
] as const;

const Enum = <T extends readonly string[]>(values: T, description: string) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], description });

const SmtpCode = Nullable(Type.Integer({ minimum: 200, maximum: 599, description: 'The SMTP reply code' }));

export const QueueRecipientModel = Type.Object(
  {
    address: Type.String({ description: 'The recipient' }),
    state: Enum(
      RECIPIENT_STATES,
      '`pending`: not tried yet; `deferred`: a temporary failure, tried again later; `delivered`; `failed`: bounced',
    ),
    code: SmtpCode,
    response: Nullable(Type.String({ description: 'The remote server’s last answer for this recipient' })),
  },
  { $id: 'QueueRecipient', title: 'QueueRecipient', description: 'One recipient of a queue entry' },
);

export const QueueEntryModel = Type.Object(
  {
    id: Type.String({ description: 'The entry: one message on its way to one destination domain' }),
    queueMessageId: Type.String({
      description: 'The queued message; its entries for other domains share it',
    }),
    domain: Type.String({ description: 'The destination domain' }),
    state: Enum(
      QUEUE_STATES,
      '`queued`: waiting for its first attempt; `sending`: a worker holds it now; `deferred`: waiting to retry',
    ),
    attempts: Type.Integer({ minimum: 0, description: 'Delivery attempts made' }),
    createdAt: Timestamp('When the message was accepted'),
    nextAttemptAt: Timestamp('When it is next tried (while `sending`: when the worker’s lease ends)'),
    expiresAt: Timestamp('When it is given up and bounced (`queue.maxAgeHours` after it was accepted)'),
    sender: Type.String({ description: 'The envelope sender; empty for a bounce (the null sender)' }),
    size: Type.Integer({ minimum: 0, description: 'Bytes' }),
    subject: Type.String(),
    headerMessageId: Nullable(Type.String({ description: 'The message’s `Message-ID` header' })),
    lastError: Nullable(
      Type.Object(
        {
          code: SmtpCode,
          enhanced: Nullable(
            Type.String({ description: 'The enhanced status code (RFC 3463), e.g. `4.2.2`' }),
          ),
          response: Type.String({
            description: 'What went wrong: the remote answer, or the connection failure',
          }),
          at: Timestamp('When'),
        },
        { description: 'Why the last attempt did not deliver every recipient; null before one' },
      ),
    ),
    recipients: Type.Array(Type.Unsafe<Static<typeof QueueRecipientModel>>({ $ref: 'QueueRecipient' })),
  },
  {
    $id: 'QueueEntry',
    title: 'QueueEntry',
    description: 'A queued outbound message for one destination domain, and why it waits',
  },
);

export const QueueEntryPage = PageOf(
  QueueEntryModel,
  'QueueEntryPage',
  'A page of queue entries, oldest first',
);

export const QueueQuery = Type.Object({
  state: Type.Optional(Enum(QUEUE_STATES, 'Only entries in this state')),
  domain: Type.Optional(DomainName('Only entries for this destination domain')),
  sender: Type.Optional(AddressString('Only entries with this envelope sender')),
  recipient: Type.Optional(AddressString('Only entries with this recipient')),
  limit: Type.Optional(Limit),
  cursor: Type.Optional(Cursor),
});

export const QueueEntryParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 100, description: 'The queue entry’s id' }),
});

export const DeleteQueueEntryQuery = Type.Object({
  bounce: Type.Optional(
    Type.Boolean({
      default: false,
      description:
        'Tell the sender: its recipients not yet delivered get a bounce (a delivery status notification) in the sender’s INBOX',
    }),
  ),
});

export const TraceEventModel = Type.Object(
  {
    at: Timestamp('When it happened'),
    event: Enum(
      TRACE_EVENTS,
      'What happened: `received`, `refused`, `filtered`, `stored` (in a local mailbox), `queued`, `deferred`, ' +
        '`delivered` (to a remote server), `failed`, `bounced`, `expired`, `deleted` (by an operator)',
    ),
    messageId: Nullable(Type.String({ description: 'The message’s `Message-ID` header' })),
    queueId: Nullable(Type.String({ description: 'The queue entry, for queue events' })),
    sender: Type.String({ description: 'The envelope sender; empty for the null sender' }),
    recipient: Nullable(
      Type.String({ description: 'The recipient this event is about; null for the whole message' }),
    ),
    detail: Nullable(
      Type.Object(
        {
          code: Type.Optional(Type.Integer({ description: 'SMTP reply code' })),
          enhanced: Type.Optional(Type.String({ description: 'Enhanced status code (RFC 3463)' })),
          response: Type.Optional(Type.String({ description: 'The answer, as the remote server gave it' })),
          remoteHost: Type.Optional(Type.String({ description: 'The server that answered' })),
          mailbox: Type.Optional(Type.String({ description: 'Where a local copy was filed' })),
          reason: Type.Optional(Type.String({ description: 'Why (refused, filtered, deleted …)' })),
          tls: Type.Optional(Type.Boolean({ description: 'Whether the delivery was encrypted' })),
        },
        { description: 'The event’s particulars' },
      ),
    ),
  },
  { $id: 'TraceEvent', title: 'TraceEvent', description: 'One hop of a message' },
);

export const TraceEventPage = PageOf(
  TraceEventModel,
  'TraceEventPage',
  'A page of trace events, newest first',
);

export const TraceQuery = Type.Object({
  messageId: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 998,
      description: 'The `Message-ID` header, with or without `<>`',
    }),
  ),
  from: Type.Optional(AddressString('The envelope sender')),
  to: Type.Optional(AddressString('A recipient')),
  since: Type.Optional(Timestamp('Events at or after this instant')),
  until: Type.Optional(Timestamp('Events before this instant')),
  limit: Type.Optional(Limit),
  cursor: Type.Optional(Cursor),
});

export const toQueueEntryJson = (e: QueueEntry): Static<typeof QueueEntryModel> => ({
  id: e.id,
  queueMessageId: e.queueMessageId,
  domain: e.domain,
  state: e.state,
  attempts: e.attempts,
  createdAt: e.createdAt,
  nextAttemptAt: e.nextAttemptAt,
  expiresAt: e.expiresAt,
  sender: e.sender,
  size: e.size,
  subject: e.subject,
  headerMessageId: e.headerMessageId,
  lastError: e.lastError,
  recipients: e.recipients.map((r) => ({
    address: r.address,
    state: r.state,
    code: r.code,
    response: r.response,
  })),
});

export const toTraceEventJson = (e: TraceEvent): Static<typeof TraceEventModel> => ({
  at: iso(e.at),
  event: e.event,
  messageId: e.messageId,
  queueId: e.queueId ?? null,
  sender: e.sender,
  recipient: e.recipient ?? null,
  detail: e.detail ?? null,
});
