import { type Static, Type } from 'typebox';
import type { Mailbox, MessageDetail, MessageSummary } from '../../mail/index.js';
import { AddressString, iso, Nullable, ref, Timestamp } from './common.js';
import { AuthenticationModel, toAuthenticationJson } from './mail-auth.js';
import { PATTERNS } from './patterns.js';
import { FilterResultModel } from './quarantine.js';

export const AddressModel = Type.Object(
  {
    name: Type.String({ description: 'Display name; empty when none' }),
    address: Type.String({ description: 'E-mail address; may be empty for malformed headers' }),
  },
  { $id: 'Address', title: 'Address', description: 'A named e-mail address' },
);

export const MailboxModel = Type.Object(
  {
    id: Type.String(),
    name: Type.String({ examples: ['INBOX'] }),
    specialUse: Nullable(Type.String({ description: 'RFC 6154 special-use flag, e.g. `\\Sent`' })),
    total: Type.Integer({ minimum: 0 }),
    unread: Type.Integer({ minimum: 0 }),
    size: Type.Integer({ minimum: 0, description: 'Bytes' }),
    subscribed: Type.Boolean({
      description: 'On the subscription list (mail clients showing subscribed folders only show it)',
    }),
  },
  {
    $id: 'Mailbox',
    title: 'Mailbox',
    description:
      'A folder with its counters. Names are UTF-8; levels are separated by `/` (`Projects/2024`).',
  },
);

export const MailboxList = Type.Object(
  { items: Type.Array(ref(MailboxModel)) },
  { $id: 'MailboxList', title: 'MailboxList', description: "A user's mailboxes" },
);

const summaryFields = {
  id: Type.String(),
  mailbox: Type.String({ description: 'Name of the mailbox holding the message' }),
  from: ref(AddressModel),
  to: Type.Array(ref(AddressModel)),
  cc: Type.Array(ref(AddressModel)),
  subject: Type.String(),
  date: Nullable(Timestamp('The Date header; null when absent or unparsable')),
  receivedAt: Timestamp('When the server stored the message'),
  messageId: Nullable(Type.String({ description: 'The Message-ID header' })),
  preview: Type.String({ description: 'Start of the text body, whitespace collapsed' }),
  unread: Type.Boolean(),
  flagged: Type.Boolean(),
  answered: Type.Boolean(),
  draft: Type.Boolean(),
  deleted: Type.Boolean({
    description: 'IMAP `\\Deleted`: marked for removal by a mail client’s next expunge',
  }),
  keywords: Type.Array(Type.String(), {
    description: 'IMAP keywords (`$Junk`, `$NotJunk`, `$Forwarded`, user keywords), sorted',
  }),
  size: Type.Integer({ minimum: 0, description: 'Bytes of the stored message' }),
  hasAttachments: Type.Boolean(),
};

export const MessageSummaryModel = Type.Object(summaryFields, {
  $id: 'MessageSummary',
  title: 'MessageSummary',
  description: 'A message as listed',
});

export const MessagePage = Type.Object(
  {
    items: Type.Array(ref(MessageSummaryModel)),
    nextCursor: Nullable(
      Type.String({ description: 'Pass as `cursor` for the next page; null on the last' }),
    ),
  },
  { $id: 'MessagePage', title: 'MessagePage', description: 'A page of messages, newest first' },
);

export const MessageChanges = Type.Object(
  {
    added: Type.Array(ref(MessageSummaryModel), {
      description:
        'Messages that arrived in a folder since the token: new mail, appends, copies, and moves (a moved message keeps its id and shows its new `mailbox`). Apply as upserts by id.',
    }),
    updated: Type.Array(ref(MessageSummaryModel), {
      description: 'Messages whose flags or keywords changed (upsert by id).',
    }),
    removed: Type.Array(Type.String(), {
      description: 'Ids of messages that no longer exist; an id you never saw may appear: ignore it.',
    }),
    token: Type.String({ description: 'Opaque; pass as `since` next time.' }),
    hasMore: Type.Boolean({ description: 'More changes wait: call again now with `token`.' }),
  },
  {
    $id: 'MessageChanges',
    title: 'MessageChanges',
    description: 'What changed in all of a user’s folders since a sync token (delta sync)',
  },
);

export const AttachmentModel = Type.Object(
  {
    id: Type.String({
      description:
        'MIME part number (IMAP style, e.g. `2` or `1.2`); download with `GET …/messages/{id}/attachments/{attachmentId}`',
      examples: ['2'],
    }),
    index: Type.Integer({ minimum: 0, description: 'Position within the message' }),
    filename: Nullable(Type.String()),
    contentType: Type.String(),
    size: Type.Integer({ minimum: 0 }),
    contentId: Nullable(
      Type.String({ description: 'Content-ID without angle brackets; HTML refers to it as `cid:…`' }),
    ),
    inline: Type.Boolean(),
  },
  { $id: 'Attachment', title: 'Attachment', description: 'An attachment or inline part of a message' },
);

export const HeaderModel = Type.Object(
  { name: Type.String(), value: Type.String() },
  { $id: 'Header', title: 'Header', description: 'One header field, in message order' },
);

export const MessageDetailModel = Type.Object(
  {
    ...summaryFields,
    bcc: Type.Array(ref(AddressModel), {
      description: 'Blind copies: present only in the sender’s own copies (Sent, Drafts)',
    }),
    replyTo: Type.Array(ref(AddressModel), { description: 'The `Reply-To:` addresses' }),
    inReplyTo: Nullable(Type.String({ description: 'The `In-Reply-To:` Message-ID' })),
    references: Type.Array(Type.String(), { description: 'The `References:` Message-IDs, oldest first' }),
    headers: Type.Array(ref(HeaderModel)),
    text: Nullable(Type.String({ description: 'The plain-text body' })),
    html: Nullable(Type.String({ description: 'The HTML body as sent: sanitize before rendering' })),
    attachments: Type.Array(ref(AttachmentModel)),
    authentication: Type.Union([ref(AuthenticationModel), Type.Null()], {
      description: 'SPF, DKIM, DMARC and ARC as the MX found them; null for mail that was not checked',
    }),
    filter: Type.Union([ref(FilterResultModel), Type.Null()], {
      description:
        'The filter’s verdict, spam score and reasons; null for mail that did not pass the filter, or that it accepted with nothing to say (no scan, no score, no rule)',
    }),
    partial: Type.Boolean({
      description:
        'True when the message could not be parsed in full (a MIME part past the parser’s limits): `headers`, `text`, `html` and `attachments` hold what was read before that point; `…/raw` has the whole message',
    }),
  },
  { $id: 'MessageDetail', title: 'MessageDetail', description: 'A message with its parsed body' },
);

/** An IMAP keyword: an atom (RFC 9051 §9 flag-keyword). */
const Keyword = Type.String({
  minLength: 1,
  maxLength: 100,
  description: 'An IMAP keyword, e.g. `$Junk`, `$Forwarded` or your own (no spaces, `(){%*"\\]`)',
});

export const UpdateMessageBody = Type.Object(
  {
    unread: Type.Optional(Type.Boolean()),
    flagged: Type.Optional(Type.Boolean()),
    answered: Type.Optional(Type.Boolean()),
    draft: Type.Optional(Type.Boolean()),
    deleted: Type.Optional(
      Type.Boolean({ description: 'IMAP `\\Deleted` (DELETE the message to remove it at once)' }),
    ),
    keywords: Type.Optional(
      Type.Array(Keyword, { maxItems: 64, description: 'Replaces the message’s keywords' }),
    ),
    mailbox: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 256,
        description: 'Move to this mailbox (`INBOX` in any case; other names are case-sensitive)',
      }),
    ),
  },
  {
    $id: 'UpdateMessageRequest',
    title: 'UpdateMessageRequest',
    additionalProperties: false,
    minProperties: 1,
  },
);

/** A mailbox name: UTF-8, levels separated by `/`. */
const MailboxName = Type.String({
  minLength: 1,
  maxLength: 512,
  description: 'UTF-8 name; `/` separates levels (`Projects/2024`); `INBOX` in any case is the inbox',
  examples: ['Projects/2024'],
});

export const CreateMailboxBody = Type.Object(
  {
    name: MailboxName,
    specialUse: Type.Optional(
      Nullable(
        Type.String({
          enum: ['\\Archive', '\\Drafts', '\\Junk', '\\Sent', '\\Trash'],
          description: 'RFC 6154 special use; one mailbox per use',
        }),
      ),
    ),
    subscribed: Type.Optional(Type.Boolean({ default: true, description: 'Subscribe to it (default true)' })),
  },
  { $id: 'CreateMailboxRequest', title: 'CreateMailboxRequest', additionalProperties: false },
);

export const UpdateMailboxBody = Type.Object(
  {
    name: Type.Optional(MailboxName),
    subscribed: Type.Optional(Type.Boolean()),
  },
  {
    $id: 'UpdateMailboxRequest',
    title: 'UpdateMailboxRequest',
    description: 'A new `name` renames the mailbox and every mailbox under it',
    additionalProperties: false,
    minProperties: 1,
  },
);

export const CopyMessageBody = Type.Object(
  { mailbox: MailboxName },
  { $id: 'CopyMessageRequest', title: 'CopyMessageRequest', additionalProperties: false },
);

export const UnreadCount = Type.Object(
  {
    unread: Type.Integer({ minimum: 0 }),
    total: Type.Integer({ minimum: 0 }),
  },
  {
    $id: 'UnreadCount',
    title: 'UnreadCount',
    description: 'Messages in the mailboxes that hold new mail (all but Sent, Drafts, Junk and Trash)',
  },
);

export const UnreadCountsBody = Type.Object(
  {
    users: Type.Array(
      Type.String({
        minLength: 1,
        maxLength: 320,
        description: 'An address as the caller has it; one that is not an address is answered `invalid`',
      }),
      { minItems: 1, maxItems: 1000 },
    ),
  },
  { $id: 'UnreadCountsRequest', title: 'UnreadCountsRequest', additionalProperties: false },
);

export const UnreadCountResult = Type.Object(
  {
    address: Type.String({ description: 'The address as it was asked for' }),
    canonical: Nullable(
      Type.String({ description: 'Its canonical form (lower-case, domain as A-label); null when invalid' }),
    ),
    status: Type.Union([Type.Literal('ok'), Type.Literal('not_found'), Type.Literal('invalid')], {
      description:
        '`ok`: counted; `not_found`: no such user, or one the caller may not see (the two answer alike); `invalid`: not an e-mail address',
    }),
    unread: Nullable(Type.Integer({ minimum: 0, description: 'Unread messages; null unless `ok`' })),
  },
  { $id: 'UnreadCountResult', title: 'UnreadCountResult' },
);

export const UnreadCounts = Type.Object(
  {
    counts: Type.Record(Type.String(), Type.Integer({ minimum: 0 }), {
      description:
        'Unread count by canonical address (lower-case; an internationalized domain as its A-label, `xn--…`); unknown, invisible and invalid addresses are left out',
    }),
    results: Type.Array(ref(UnreadCountResult), {
      description:
        'One result per address asked for, in the order asked: what `counts` holds, and why the rest are not there',
    }),
  },
  { $id: 'UnreadCounts', title: 'UnreadCounts' },
);

const Recipient = Type.Union([AddressString('Recipient address'), ref(AddressModel)]);

/** A Message-ID as it appears in headers: `<left@right>`, nothing that could end the header line. */
const MessageIdString = (description: string) =>
  Type.String({
    maxLength: 998,
    pattern: PATTERNS.messageId.pattern,
    description,
    examples: ['<abc.123@example.com>'],
  });

export const SendAttachment = Type.Object(
  {
    filename: Type.String({
      minLength: 1,
      maxLength: 255,
      pattern: PATTERNS.filename.pattern,
      description: 'File name shown to the recipient (any script; no path, no control characters)',
    }),
    contentType: Type.Optional(
      Type.String({
        maxLength: 255,
        pattern: PATTERNS.mimeType.pattern,
        description: 'MIME type; by default from the file name’s extension',
        examples: ['application/pdf'],
      }),
    ),
    content: Type.String({
      // A plain character class: a grouped repetition overflows the regex engine's stack on a
      // body of megabytes. The length (a multiple of 4) is checked when the message is composed.
      pattern: PATTERNS.base64.pattern,
      description: 'The file, base64-encoded (RFC 4648 §4, padded, no line breaks)',
    }),
    contentId: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 250,
        pattern: PATTERNS.contentId.pattern,
        description:
          'Content-ID without angle brackets, for an image the HTML shows inline (`<img src="cid:…">`)',
        examples: ['logo@portal.example.com'],
      }),
    ),
  },
  { $id: 'SendAttachment', title: 'SendAttachment', additionalProperties: false },
);

const FileNameString = (description: string) =>
  Type.String({ minLength: 1, maxLength: 255, pattern: PATTERNS.filename.pattern, description });

export const UploadAttachment = Type.Object(
  {
    uploadId: Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'The `id` of an upload of the sender’s (`POST /users/{address}/uploads`)',
    }),
    filename: Type.Optional(FileNameString('File name to show instead of the upload’s')),
    contentId: Type.Optional(SendAttachment.properties.contentId),
  },
  {
    $id: 'UploadAttachment',
    title: 'UploadAttachment',
    additionalProperties: false,
    description: 'A file uploaded beforehand, streamed into the message as it is composed',
  },
);

export const StoredAttachment = Type.Object(
  {
    fromMessage: Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'Id of a stored message of the sender’s',
    }),
    attachmentId: Type.Optional(
      Type.String({
        pattern: PATTERNS.partNumber.pattern,
        description:
          'One of its attachments (the `id` from the message view); without it the whole message is ' +
          'attached as `message/rfc822`',
      }),
    ),
    filename: Type.Optional(FileNameString('File name to show instead of the original’s')),
    contentId: Type.Optional(SendAttachment.properties.contentId),
  },
  {
    $id: 'StoredAttachment',
    title: 'StoredAttachment',
    additionalProperties: false,
    description:
      'Something of a message the sender has: an attachment (forward inline, re-open a draft) or the message itself (forward as attachment)',
  },
);

export const SendBody = Type.Object(
  {
    to: Type.Optional(Type.Array(Recipient, { maxItems: 100 })),
    cc: Type.Optional(Type.Array(Recipient, { maxItems: 100 })),
    bcc: Type.Optional(
      Type.Array(Recipient, {
        maxItems: 100,
        description:
          'Blind copies: delivered, but absent from every delivered copy’s headers; the sender’s Sent copy keeps its `Bcc:` header',
      }),
    ),
    replyTo: Type.Optional(
      Type.Array(Recipient, {
        minItems: 1,
        maxItems: 10,
        description: 'Where replies should go (`Reply-To:`)',
      }),
    ),
    inReplyTo: Type.Optional(
      MessageIdString(
        'Message-ID of the message this one answers (`In-Reply-To:`); take it from `messageId`',
      ),
    ),
    references: Type.Optional(
      Type.Array(MessageIdString('A Message-ID of the thread'), {
        maxItems: 100,
        description: 'The thread’s Message-IDs, oldest first (`References:`); by default `inReplyTo` alone',
      }),
    ),
    subject: Type.String({ maxLength: 998 }),
    text: Type.Optional(Type.String({ contentMediaType: 'text/plain', description: 'Plain-text body' })),
    html: Type.Optional(
      Type.String({
        contentMediaType: 'text/html',
        description: 'HTML body, sent as is; without `text`, a plain-text alternative is made from it',
      }),
    ),
    attachments: Type.Optional(
      Type.Array(Type.Union([ref(SendAttachment), ref(UploadAttachment), ref(StoredAttachment)]), {
        maxItems: 100,
        description:
          'Files to attach: base64 in the body (`content`), a file uploaded beforehand (`uploadId`), ' +
          'an attachment of a stored message of the sender’s (`fromMessage` + `attachmentId`), or a whole ' +
          'stored message as `message/rfc822` (`fromMessage` alone: forward as attachment)',
      }),
    ),
    draftId: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: 'A draft of the sender’s this message was written in: deleted once the send is accepted',
      }),
    ),
  },
  {
    $id: 'SendRequest',
    title: 'SendRequest',
    additionalProperties: false,
    description:
      'A message to compose and deliver; a copy is filed in the sender’s Sent mailbox. It needs at least one recipient in `to`, `cc` or `bcc`.',
  },
);

export const SendResult = Type.Object(
  {
    id: Type.String({ description: 'Id of the copy in Sent' }),
    messageId: Type.String({ description: 'The Message-ID header given to the message' }),
  },
  { $id: 'SendResult', title: 'SendResult' },
);

type SummaryJson = Static<typeof MessageSummaryModel>;

export const toMailboxJson = (m: Mailbox): Static<typeof MailboxModel> => ({
  id: m.id,
  name: m.name,
  specialUse: m.specialUse,
  total: m.total,
  unread: m.unread,
  size: m.size,
  subscribed: m.subscribed,
});

export const toSummaryJson = (m: MessageSummary): SummaryJson => ({
  id: m.id,
  mailbox: m.mailbox,
  from: m.from,
  to: m.to,
  cc: m.cc,
  subject: m.subject,
  date: m.date === null ? null : iso(m.date),
  receivedAt: iso(m.internalDate),
  messageId: m.messageId,
  preview: m.preview,
  unread: m.unread,
  flagged: m.flagged,
  answered: m.answered,
  draft: m.draft,
  deleted: m.deleted,
  keywords: m.keywords,
  size: m.size,
  hasAttachments: m.hasAttachments,
});

export const toDetailJson = (m: MessageDetail): Static<typeof MessageDetailModel> => ({
  ...toSummaryJson(m),
  bcc: m.bcc,
  replyTo: m.replyTo,
  inReplyTo: m.inReplyTo,
  references: m.references,
  headers: m.headers,
  text: m.text,
  html: m.html,
  attachments: m.attachments,
  authentication: m.authentication ? toAuthenticationJson(m.authentication) : null,
  filter: m.filter,
  partial: m.partial,
});
