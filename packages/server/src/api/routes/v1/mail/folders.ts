import { Type } from 'typebox';
import { ref } from '../../../schemas/common.js';
import {
  CopyMessageBody,
  CreateMailboxBody,
  MailboxModel,
  MessageSummaryModel,
  toMailboxJson,
  toSummaryJson,
  UpdateMailboxBody,
} from '../../../schemas/mail.js';
import { BODY_PROBLEMS, NO_CONTENT, op, problems } from '../../op.js';
import { visibleUser } from '../access.js';
import type { V1Plugin } from '../deps.js';
import { UserParams } from '../users/users.js';

const MAIL_WRITERS = 'the user themselves; admins of the user’s domain';

/**
 * A mailbox in a path is one URL-encoded segment, so a nested name's `/` is
 * `%2F`: `/users/{address}/mailboxes/Projects%2F2024` (encodeURIComponent).
 */
const MailboxParams = Type.Object({
  address: UserParams.properties.address,
  name: Type.String({
    minLength: 1,
    maxLength: 512,
    description: 'The mailbox name, URL-encoded as one path segment (`Projects/2024` is `Projects%2F2024`)',
  }),
});

const MessageParams = Type.Object({
  address: UserParams.properties.address,
  id: Type.String({ minLength: 1, maxLength: 64, description: 'Message id' }),
});

/** Folders: create, rename, (un)subscribe, delete; copy a message into one. */
export const folderRoutes: V1Plugin = async (app, { directory, mail }) => {
  app.post(
    '/users/:address/mailboxes',
    op(
      {
        operationId: 'createMailbox',
        tag: 'mail',
        summary: 'Create a mailbox',
        description:
          'Creates the mailbox and any missing parent (`Projects/2024` makes `Projects` too), subscribed unless ' +
          '`subscribed` is false. `409 MAILBOX_EXISTS` when the name is taken; `422 MAILBOX_NAME_INVALID` for an ' +
          'empty level, a leading or trailing `/`, control characters, `*` or `%`.',
        scope: 'mail:write',
        callers: MAIL_WRITERS,
      },
      {
        params: UserParams,
        body: ref(CreateMailboxBody),
        response: { 201: ref(MailboxModel, 'The new mailbox'), ...problems(403, 404, 409, ...BODY_PROBLEMS) },
      },
    ),
    async (request, reply) => {
      const user = await visibleUser(request, directory, 'mail:write', request.params.address);
      const { name, specialUse, subscribed = true } = request.body;
      const box = await mail.createMailbox(user.address, name, { specialUse, subscribe: subscribed });
      return reply.code(201).send(toMailboxJson(box));
    },
  );

  app.patch(
    '/users/:address/mailboxes/:name',
    op(
      {
        operationId: 'updateMailbox',
        tag: 'mail',
        summary: 'Rename or (un)subscribe a mailbox',
        description:
          'A new `name` renames the mailbox and every mailbox under it (their messages stay). Renaming INBOX ' +
          'moves its messages to a new mailbox of that name and leaves INBOX empty (RFC 9051 §6.3.6); Sent, ' +
          'Drafts, Junk and Trash cannot be renamed (`409 MAILBOX_PROTECTED`).',
        scope: 'mail:write',
        callers: MAIL_WRITERS,
      },
      {
        params: MailboxParams,
        body: ref(UpdateMailboxBody),
        response: {
          200: ref(MailboxModel, 'The mailbox after the change'),
          ...problems(403, 404, 409, ...BODY_PROBLEMS),
        },
      },
    ),
    async (request) => {
      const user = await visibleUser(request, directory, 'mail:write', request.params.address);
      return toMailboxJson(await mail.updateMailbox(user.address, request.params.name, request.body));
    },
  );

  app.delete(
    '/users/:address/mailboxes/:name',
    op(
      {
        operationId: 'deleteMailbox',
        tag: 'mail',
        summary: 'Delete a mailbox',
        description:
          'Deletes the mailbox and its messages. A mailbox with mailboxes under it is refused ' +
          '(`409 MAILBOX_HAS_CHILDREN`: delete those first), and so are INBOX, Sent, Drafts, Junk and Trash ' +
          '(`409 MAILBOX_PROTECTED`).',
        scope: 'mail:write',
        callers: MAIL_WRITERS,
      },
      { params: MailboxParams, response: { ...NO_CONTENT, ...problems(403, 404, 409, 422) } },
    ),
    async (request, reply) => {
      const user = await visibleUser(request, directory, 'mail:write', request.params.address);
      await mail.deleteMailbox(user.address, request.params.name);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/users/:address/messages/:id/copy',
    op(
      {
        operationId: 'copyMessage',
        tag: 'mail',
        summary: 'Copy a message to a mailbox',
        description:
          'The copy has a new id and the same flags; the stored message is shared, but the copy counts toward ' +
          'the quota (`422 QUOTA_EXCEEDED` past it). Move a message with `PATCH …/messages/{id}` and `mailbox`.',
        scope: 'mail:write',
        callers: MAIL_WRITERS,
      },
      {
        params: MessageParams,
        body: ref(CopyMessageBody),
        response: { 201: ref(MessageSummaryModel, 'The copy'), ...problems(403, 404, ...BODY_PROBLEMS) },
      },
    ),
    async (request, reply) => {
      const user = await visibleUser(request, directory, 'mail:write', request.params.address);
      const copy = await mail.copyMessage(user.address, request.params.id, request.body.mailbox);
      return reply.code(201).send(toSummaryJson(copy));
    },
  );
};
