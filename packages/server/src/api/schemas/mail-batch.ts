import { Type } from 'typebox';

/** The most ids one batch call takes: a page of the webmail, many times over. */
export const MAX_BATCH_IDS = 1000;

export const MessageBatchBody = Type.Object(
  {
    ids: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
      minItems: 1,
      maxItems: MAX_BATCH_IDS,
      uniqueItems: true,
      description: 'Message ids (at most 1,000)',
    }),
    action: Type.Union(
      [
        Type.Literal('move'),
        Type.Literal('delete'),
        Type.Literal('read'),
        Type.Literal('unread'),
        Type.Literal('flag'),
        Type.Literal('unflag'),
      ],
      {
        description:
          '`move` to `mailbox` (into Junk and out of it teaches the user’s spam filter, as PATCH does); `delete` ' +
          'at once (no Trash: move to Trash to keep them); `read`/`unread`, `flag`/`unflag`',
      },
    ),
    mailbox: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 256,
        description: 'The destination of `move` (`INBOX` in any case; other names are case-sensitive)',
      }),
    ),
  },
  {
    $id: 'MessageBatchRequest',
    title: 'MessageBatchRequest',
    description: 'One action on many messages of one user',
    additionalProperties: false,
  },
);

export const MessageBatchResult = Type.Object(
  {
    results: Type.Array(
      Type.Object({
        id: Type.String(),
        status: Type.Union([Type.Literal('ok'), Type.Literal('not_found'), Type.Literal('failed')], {
          description:
            '`not_found` for an id the user does not have (moved or deleted meanwhile, or never theirs)',
        }),
        code: Type.Optional(Type.String({ description: 'The error code when `failed` (see /docs/errors)' })),
      }),
      { description: 'One result per id, in the order asked' },
    ),
  },
  {
    $id: 'MessageBatchResult',
    title: 'MessageBatchResult',
    description: 'What happened to each message',
  },
);

export const MAIL_BATCH_MODELS = [MessageBatchBody, MessageBatchResult];
