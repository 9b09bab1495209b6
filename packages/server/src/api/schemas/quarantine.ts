import { type Static, Type } from 'typebox';
import type { QuarantineEntry } from '../../filter/index.js';
import { Cursor, DomainName, iso, Limit, Nullable, PageOf, Timestamp } from './common.js';

const Score = Nullable(
  Type.Number({ description: 'The spam score, 0 (ham) … 1 (spam); null when the message was not scored' }),
);
const Reasons = Type.Array(Type.String(), {
  description: 'Why: signature names, rule names, the spam score; never message content',
});

export const FilterResultModel = Type.Object(
  {
    verdict: Type.String({
      description:
        'The filter’s combined verdict: `accept`, `tag` (probable spam, delivered with X-Spam-Flag), `junk` (to the Junk folder) or `quarantine`',
    }),
    score: Score,
    reasons: Reasons,
  },
  {
    $id: 'FilterResult',
    title: 'FilterResult',
    description: 'What the filter pipeline decided when the message arrived over SMTP',
  },
);

export const QuarantineEntryModel = Type.Object(
  {
    id: Type.String(),
    domain: Type.String({
      description: 'The recipients’ domain (one entry per message and recipient domain)',
    }),
    sender: Type.String({ description: 'The envelope sender; empty for the null sender' }),
    recipients: Type.Array(Type.String(), { description: 'The recipients whose copy is held' }),
    subject: Type.String(),
    headerMessageId: Nullable(Type.String({ description: 'The message’s `Message-ID` header' })),
    size: Type.Integer({ minimum: 0, description: 'Bytes' }),
    score: Score,
    reasons: Reasons,
    createdAt: Timestamp('When the message was held'),
  },
  { $id: 'QuarantineEntry', title: 'QuarantineEntry', description: 'A message held for an administrator' },
);

export const QuarantinePage = PageOf(
  QuarantineEntryModel,
  'QuarantinePage',
  'A page of held messages, newest first',
);

export const QuarantineQuery = Type.Object({
  domain: Type.Optional(DomainName('Only messages for recipients in this domain')),
  limit: Type.Optional(Limit),
  cursor: Type.Optional(Cursor),
});

export const QuarantineParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 100, description: 'The held message’s id' }),
});

export const ReleaseResult = Type.Object(
  { delivered: Type.Integer({ minimum: 0, description: 'Copies delivered to the recipients’ INBOX' }) },
  { $id: 'QuarantineReleaseResult', title: 'QuarantineReleaseResult' },
);

export const TrainQuarantineBody = Type.Object(
  {
    as: Type.Union([Type.Literal('spam'), Type.Literal('ham')], {
      description: '`spam`: learned as spam, then deleted; `ham`: learned as ham, then released',
    }),
  },
  { $id: 'TrainQuarantineBody', title: 'TrainQuarantineBody', additionalProperties: false },
);

export const toQuarantineJson = (e: QuarantineEntry): Static<typeof QuarantineEntryModel> => ({
  ...e,
  createdAt: iso(e.createdAt),
});

export const QUARANTINE_MODELS = [
  FilterResultModel,
  QuarantineEntryModel,
  QuarantinePage,
  ReleaseResult,
  TrainQuarantineBody,
];
