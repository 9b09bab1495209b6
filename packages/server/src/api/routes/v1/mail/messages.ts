import { Type } from 'typebox';
import { Cursor, Limit, ref } from '../../../schemas/common.js';
import {
  MessageDetailModel,
  MessagePage,
  MessageSummaryModel,
  toDetailJson,
  toSummaryJson,
  UpdateMessageBody,
} from '../../../schemas/mail.js';
import { BODY_PROBLEMS, NO_CONTENT, op, problems } from '../../op.js';
import { visibleUser } from '../access.js';
import type { V1Plugin } from '../deps.js';
import { UserParams } from '../users/users.js';
import { MAIL_READERS } from './mailboxes.js';
import { isSearch, SearchQuery, searchOptionsOf } from './search-params.js';

const MessageParams = Type.Object({
  address: UserParams.properties.address,
  id: Type.String({ minLength: 1, maxLength: 64, description: 'Message id' }),
});
const MAIL_WRITERS = 'the user themselves; admins of the user’s domain';

/** A user's messages: list, read, raw source, flag/move, delete. */
export const messageRoutes: V1Plugin = async (app, { directory, mail }) => {
  app.get(
    '/users/:address/messages',
    op(
      {
        operationId: 'listMessages',
        tag: 'mail',
        summary: 'List messages',
        description:
          'Messages of one mailbox, newest first; `unread=true` lists only unread ones. With `q` or another ' +
          'search parameter it is a search over every mailbox (or `mailbox`), newest first by arrival.',
        scope: 'mail:read',
        callers: MAIL_READERS,
      },
      {
        params: UserParams,
        querystring: Type.Object({
          mailbox: Type.Optional(
            Type.String({
              minLength: 1,
              maxLength: 256,
              description:
                'Mailbox name (`INBOX` in any case; other names are case-sensitive); default INBOX, ' +
                'or every mailbox for a search',
            }),
          ),
          unread: Type.Optional(Type.Boolean({ description: 'true: only unread; false: only read' })),
          limit: Type.Optional(Limit),
          cursor: Type.Optional(Cursor),
          ...SearchQuery,
        }),
        response: { 200: ref(MessagePage, 'A page of messages'), ...problems(400, 403, 404, 422, 503) },
      },
    ),
    async (request) => {
      const user = await visibleUser(request, directory, 'mail:read', request.params.address);
      if (isSearch(request.query)) {
        const page = await mail.searchMessages(user.address, searchOptionsOf(request.query));
        return { items: page.items.map(toSummaryJson), nextCursor: page.nextCursor };
      }
      const { mailbox = 'INBOX', unread, limit = 50, cursor } = request.query;
      const page = await mail.listMessages(user.address, { mailbox, unread, limit, cursor });
      return { items: page.items.map(toSummaryJson), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/users/:address/messages/:id',
    op(
      {
        operationId: 'getMessage',
        tag: 'mail',
        summary: 'Get a message',
        description: 'Headers, text and HTML bodies and the attachment list. Reading does not mark it read.',
        scope: 'mail:read',
        callers: MAIL_READERS,
      },
      {
        params: MessageParams,
        response: { 200: ref(MessageDetailModel, 'The message'), ...problems(403, 404, 422) },
      },
    ),
    async (request) => {
      const user = await visibleUser(request, directory, 'mail:read', request.params.address);
      return toDetailJson(await mail.getMessage(user.address, request.params.id));
    },
  );

  app.get(
    '/users/:address/messages/:id/raw',
    op(
      {
        operationId: 'getRawMessage',
        tag: 'mail',
        summary: 'Download a message’s source',
        description: 'The stored RFC 5322 message, byte for byte.',
        scope: 'mail:read',
        callers: MAIL_READERS,
      },
      {
        params: MessageParams,
        response: {
          200: {
            description: 'The message source',
            content: { 'message/rfc822': { schema: { type: 'string', contentMediaType: 'message/rfc822' } } },
          },
          ...problems(403, 404, 422),
        },
      },
    ),
    async (request, reply) => {
      const user = await visibleUser(request, directory, 'mail:read', request.params.address);
      const { stream, size } = await mail.openRaw(user.address, request.params.id);
      return reply
        .type('message/rfc822')
        .header('content-length', size)
        .header(
          'content-disposition',
          `attachment; filename="${request.params.id.replace(/[^\w.-]/g, '_')}.eml"`,
        )
        .send(stream);
    },
  );

  app.patch(
    '/users/:address/messages/:id',
    op(
      {
        operationId: 'updateMessage',
        tag: 'mail',
        summary: 'Mark or move a message',
        description:
          'Set `unread`, `flagged`, `answered`, `draft`, `deleted` (IMAP `\\Deleted`) or `keywords` (replaced ' +
          'whole), or move it with `mailbox`. Mail clients connected over IMAP see the change at once.',
        scope: 'mail:write',
        callers: MAIL_WRITERS,
      },
      {
        params: MessageParams,
        body: ref(UpdateMessageBody),
        response: {
          200: ref(MessageSummaryModel, 'The message after the change'),
          ...problems(403, 404, ...BODY_PROBLEMS),
        },
      },
    ),
    async (request) => {
      const user = await visibleUser(request, directory, 'mail:write', request.params.address);
      return toSummaryJson(await mail.updateMessage(user.address, request.params.id, request.body));
    },
  );

  app.delete(
    '/users/:address/messages/:id',
    op(
      {
        operationId: 'deleteMessage',
        tag: 'mail',
        summary: 'Delete a message',
        description: 'Deletes it at once (no Trash); move it to Trash with PATCH instead to keep it.',
        scope: 'mail:write',
        callers: MAIL_WRITERS,
      },
      { params: MessageParams, response: { ...NO_CONTENT, ...problems(403, 404, 422) } },
    ),
    async (request, reply) => {
      const user = await visibleUser(request, directory, 'mail:write', request.params.address);
      await mail.deleteMessage(user.address, request.params.id);
      return reply.code(204).send(null);
    },
  );
};
