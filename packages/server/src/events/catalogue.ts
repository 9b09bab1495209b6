/**
 * The event catalogue: for every event type, the typebox schema of its
 * `data`. The OpenAPI document (and so the SDK's types) is generated from
 * here, and the README's catalogue describes the same shapes. Types and
 * fields are only ever added: a consumer written against one version keeps
 * working (a field may be absent in events written before it existed).
 */
import { type Static, type TSchema, Type } from 'typebox';
import { EVENT_TYPES, type EventType } from '../store/index.js';

const Iso = (description: string) => Type.String({ format: 'date-time', description });
const Addr = (description: string) => Type.String({ description });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Names = (description: string) => Type.Array(Type.String(), { description });

const MailboxOwner = { address: Addr('The mailbox owner') };

export const MessageNewData = Type.Object(
  {
    ...MailboxOwner,
    mailbox: Type.String({ description: 'Mailbox name (`INBOX`, `Projects/2024`)' }),
    id: Type.String({ description: 'The message id of the REST API (`/users/{address}/messages/{id}`)' }),
    uid: Type.Integer({ description: 'IMAP UID in that mailbox' }),
    messageId: Nullable(Type.String({ description: 'The Message-ID header' })),
    from: Type.Object({ name: Type.String(), address: Type.String() }),
    subject: Type.String(),
    preview: Type.String({ description: 'Start of the text body, whitespace collapsed' }),
    size: Type.Integer({ minimum: 0, description: 'Bytes' }),
    hasAttachments: Type.Boolean(),
    unread: Type.Boolean(),
    receivedAt: Iso('When the server stored it'),
  },
  { description: 'A message was placed in a mailbox (delivered, appended, copied or moved in)' },
);

/** The flags a `message.updated` sets: only those that changed, with their new value. */
const FlagValues = Type.Object(
  {
    seen: Type.Optional(Type.Boolean()),
    flagged: Type.Optional(Type.Boolean()),
    answered: Type.Optional(Type.Boolean()),
    draft: Type.Optional(Type.Boolean()),
    deleted: Type.Optional(Type.Boolean({ description: 'IMAP `\\Deleted` (marked for expunge)' })),
  },
  { description: 'New values of the flags that changed' },
);

export const MessageUpdatedData = Type.Object(
  {
    ...MailboxOwner,
    mailbox: Type.String({ description: 'The mailbox the messages were in' }),
    ids: Names('Messages changed the same way (at most 1,000 per event; a larger change is split)'),
    uids: Type.Array(Type.Integer(), { description: 'Their IMAP UIDs, in the order of `ids`' }),
    flags: Type.Optional(FlagValues),
    keywords: Type.Optional(
      Type.Object({ added: Names('Keywords set'), removed: Names('Keywords cleared') }),
    ),
    moved: Type.Optional(
      Type.Object(
        {
          to: Type.String({ description: 'The mailbox they moved to' }),
          ids: Names('Their ids there, in the order of `ids`'),
          uids: Type.Array(Type.Integer(), { description: 'Their UIDs there' }),
        },
        { description: 'Set when the messages moved to another mailbox' },
      ),
    ),
  },
  { description: 'Messages were read, flagged, tagged or moved; what changed is given' },
);

export const MessageDeletedData = Type.Object(
  {
    ...MailboxOwner,
    mailbox: Type.String(),
    ids: Names('Messages removed (at most 1,000 per event)'),
    uids: Type.Array(Type.Integer(), { description: 'Their IMAP UIDs' }),
  },
  { description: 'Messages were removed for good (expunged, or deleted through the API)' },
);

export const MailboxCreatedData = Type.Object({ ...MailboxOwner, mailbox: Type.String() });
export const MailboxRenamedData = Type.Object(
  { ...MailboxOwner, from: Type.String(), to: Type.String() },
  {
    description:
      'A mailbox and those under it were renamed (one event each). Renaming INBOX moves its messages to the new mailbox and INBOX stays, empty (RFC 9051 §6.3.6)',
  },
);
export const MailboxDeletedData = Type.Object(
  {
    ...MailboxOwner,
    mailbox: Type.String(),
    messages: Type.Integer({
      minimum: 0,
      description: 'Messages it held, gone with it (no message.deleted)',
    }),
  },
  { description: 'A mailbox was deleted with its messages' },
);

const UserFields = {
  address: Addr('The user (their canonical address)'),
  source: Nullable(Type.String({ description: 'Directory source (`ldap.sources[].name`); null for local' })),
};

export const UserCreatedData = Type.Object({
  ...UserFields,
  displayName: Type.String(),
  enabled: Type.Boolean(),
});
export const UserUpdatedData = Type.Object({
  ...UserFields,
  changes: Names('Fields that changed (displayName, address, aliases, quota, role, password, groups …)'),
  previousAddress: Type.Optional(Type.String({ description: 'Set when the address changed' })),
});
export const UserStateData = Type.Object(UserFields);

const GroupFields = {
  id: Type.String(),
  name: Type.String(),
  kind: Type.Union([Type.Literal('department'), Type.Literal('group')]),
  source: Nullable(Type.String({ description: 'Directory source; null for a local group' })),
};

export const GroupCreatedData = Type.Object({
  ...GroupFields,
  address: Nullable(Type.String({ description: 'Distribution address' })),
  parentId: Nullable(Type.String()),
});
export const GroupUpdatedData = Type.Object({
  ...GroupFields,
  changes: Names('Fields that changed (name, address, parentId, members)'),
  membersAdded: Type.Optional(Names('Addresses of members added')),
  membersRemoved: Type.Optional(Names('Addresses of members removed')),
});
export const GroupDeletedData = Type.Object(GroupFields);

export const DeliveryData = Type.Object(
  {
    queueId: Type.String({ description: 'The queue entry (one message to one destination domain)' }),
    messageId: Nullable(Type.String({ description: 'The Message-ID header' })),
    sender: Type.String({ description: 'Envelope sender; empty for a bounce' }),
    domain: Type.String({ description: 'Destination domain' }),
    recipients: Names('The recipients this outcome is about'),
    attempts: Type.Optional(Type.Integer({ minimum: 0 })),
    code: Type.Optional(Nullable(Type.Integer({ description: 'SMTP reply code' }))),
    enhanced: Type.Optional(Nullable(Type.String({ description: 'Enhanced status code (RFC 3463)' }))),
    response: Type.Optional(Type.String({ description: 'The remote server’s reply or the reason' })),
    remoteHost: Type.Optional(Nullable(Type.String())),
    nextAttemptAt: Type.Optional(Iso('For deferred: when it is tried again')),
  },
  { description: 'An outbound message changed state in the queue' },
);

export const SyncCompletedData = Type.Object({
  source: Type.String({ description: 'Directory source' }),
  runId: Type.String(),
  mode: Type.Union([Type.Literal('full'), Type.Literal('incremental')]),
  status: Type.String({ description: 'succeeded, failed or safety_stop' }),
  counts: Type.Record(Type.String(), Type.Integer(), { description: 'Changes by kind' }),
});

/** Every type's data schema. A `Record` over `EventType`: a new type without a schema fails to compile. */
export const EVENT_DATA: Record<EventType, TSchema> = {
  'message.new': MessageNewData,
  'message.updated': MessageUpdatedData,
  'message.deleted': MessageDeletedData,
  'mailbox.created': MailboxCreatedData,
  'mailbox.renamed': MailboxRenamedData,
  'mailbox.deleted': MailboxDeletedData,
  'user.created': UserCreatedData,
  'user.updated': UserUpdatedData,
  'user.disabled': UserStateData,
  'user.enabled': UserStateData,
  'user.deleted': UserStateData,
  'group.created': GroupCreatedData,
  'group.updated': GroupUpdatedData,
  'group.deleted': GroupDeletedData,
  'delivery.queued': DeliveryData,
  'delivery.delivered': DeliveryData,
  'delivery.deferred': DeliveryData,
  'delivery.bounced': DeliveryData,
  'delivery.failed': DeliveryData,
  'sync.completed': SyncCompletedData,
};

export { EVENT_TYPES, type EventType };

export type MessageNew = Static<typeof MessageNewData>;
export type MessageUpdated = Static<typeof MessageUpdatedData>;
export type MessageDeleted = Static<typeof MessageDeletedData>;
export type Delivery = Static<typeof DeliveryData>;

/** Whether `name` is a type or a `prefix.*` pattern of the catalogue (`user.*`). */
export function isKnownTypeFilter(name: string): boolean {
  if (name.endsWith('.*')) return EVENT_TYPES.some((t) => t.startsWith(name.slice(0, -1)));
  return (EVENT_TYPES as readonly string[]).includes(name);
}
