import { Type } from 'typebox';
import { ref } from '../../../schemas/common.js';
import { DraftBody } from '../../../schemas/compose.js';
import { MessageSummaryModel, toSummaryJson } from '../../../schemas/mail.js';
import { BODY_PROBLEMS, op, problems } from '../../op.js';
import { visibleUser } from '../access.js';
import type { V1Plugin } from '../deps.js';
import { UserParams } from '../users/users.js';

const CALLERS = 'the user themselves; admins of the user’s domain; keys with `mail:write` for them';

const DraftParams = Type.Object({
  address: UserParams.properties.address,
  id: Type.String({ minLength: 1, maxLength: 64, description: 'Id of the draft (a message in Drafts)' }),
});

const SAVED =
  'The message is composed as a send would be (attachments by upload id, from stored messages, or ' +
  'base64) and filed in the user’s `\\Drafts` mailbox (made if missing) with the `\\Draft` and ' +
  '`\\Seen` flags; nothing is sent. Read it back for editing with `getMessage` (to, cc, bcc, subject, ' +
  'text, html, attachments); its attachments go into the next version or the send as ' +
  '`{ "fromMessage": draftId, "attachmentId": … }`.';

/** `POST /users/{a}/drafts`, `PUT /users/{a}/drafts/{id}`: messages being written. */
export const draftRoutes: V1Plugin = async (app, { directory, mail }) => {
  app.post(
    '/users/:address/drafts',
    op(
      {
        operationId: 'createDraft',
        tag: 'mail',
        summary: 'Save a draft',
        description: SAVED,
        scope: 'mail:write',
        callers: CALLERS,
        largeBody: true,
      },
      {
        params: UserParams,
        body: ref(DraftBody),
        response: {
          201: ref(MessageSummaryModel, 'The draft as stored'),
          ...problems(403, 404, ...BODY_PROBLEMS),
        },
      },
    ),
    async (request, reply) => {
      const user = await visibleUser(request, directory, 'mail:write', request.params.address);
      return reply.code(201).send(toSummaryJson(await mail.saveDraft(user.address, request.body)));
    },
  );

  app.put(
    '/users/:address/drafts/:id',
    op(
      {
        operationId: 'replaceDraft',
        tag: 'mail',
        summary: 'Replace a draft',
        description:
          `Files the new version and deletes the old one: the answer has the new id (messages are ` +
          `immutable, as in IMAP). \`404 MESSAGE_NOT_FOUND\` when \`id\` is not a draft of the user’s ` +
          `(sent or replaced meanwhile). ${SAVED}`,
        scope: 'mail:write',
        callers: CALLERS,
        largeBody: true,
      },
      {
        params: DraftParams,
        body: ref(DraftBody),
        response: {
          200: ref(MessageSummaryModel, 'The new version'),
          ...problems(403, 404, ...BODY_PROBLEMS),
        },
      },
    ),
    async (request) => {
      const user = await visibleUser(request, directory, 'mail:write', request.params.address);
      return toSummaryJson(await mail.replaceDraft(user.address, request.params.id, request.body));
    },
  );
};
