import { Type } from 'typebox';
import { AddressString } from './common.js';

/** Largest raw message the train API takes, in characters of its JSON string (base64 grows it by 4/3). */
export const MAX_TRAIN_RAW_CHARS = 14_000_000;

export const SpamTrainBody = Type.Object(
  {
    class: Type.Unsafe<'spam' | 'ham'>({
      type: 'string',
      enum: ['spam', 'ham'],
      description: 'What the message is',
    }),
    raw: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: MAX_TRAIN_RAW_CHARS,
        // Multi-line text (CR and LF allowed, other control characters not: send those messages as base64).
        contentMediaType: 'message/rfc822',
        description:
          'The whole message (RFC 5322), as text (line breaks allowed; other control characters need base64) or base64 (`encoding`). Give this or `messageId`',
      }),
    ),
    encoding: Type.Optional(
      Type.Unsafe<'text' | 'base64'>({
        type: 'string',
        enum: ['text', 'base64'],
        default: 'text',
        description: 'How `raw` is written',
      }),
    ),
    user: Type.Optional(
      AddressString('Train this user’s own model; absent: the global model (system admins only)'),
    ),
    messageId: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: 'A stored message of `user` (its id in the mail API) to learn, instead of `raw`',
      }),
    ),
  },
  {
    $id: 'SpamTrainRequest',
    title: 'SpamTrainRequest',
    description: 'One message to learn as spam or ham',
    additionalProperties: false,
  },
);

export const SpamTrainResult = Type.Object(
  {
    class: Type.Unsafe<'spam' | 'ham'>({ type: 'string', enum: ['spam', 'ham'] }),
    model: Type.Unsafe<'global' | 'user'>({
      type: 'string',
      enum: ['global', 'user'],
      description: 'The global model, or the user’s own',
    }),
    user: Type.Union([Type.String(), Type.Null()], { description: 'The user whose model learned it' }),
    outcome: Type.Unsafe<'learned' | 'already' | 'relearned'>({
      type: 'string',
      enum: ['learned', 'already', 'relearned'],
      description:
        '`learned`: counted now; `already`: learned before as the same class (nothing changed); `relearned`: moved from the other class',
    }),
  },
  { $id: 'SpamTrainResult', title: 'SpamTrainResult', additionalProperties: false },
);
