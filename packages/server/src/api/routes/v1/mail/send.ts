import { ref } from '../../../schemas/common.js';
import { SendBody, SendResult } from '../../../schemas/mail.js';
import { BODY_PROBLEMS, op, problems } from '../../op.js';
import { visibleUser } from '../access.js';
import type { V1Plugin } from '../deps.js';
import { UserParams } from '../users/users.js';

/** `POST /users/{address}/send`: compose and deliver a message as that user. */
export const sendRoutes: V1Plugin = async (app, { directory, mail }) => {
  app.post(
    '/users/:address/send',
    op(
      {
        operationId: 'sendMessage',
        tag: 'mail',
        summary: 'Send a message as a user',
        description:
          'Composes the message (Message-ID, Date, MIME), delivers it and files a copy in the sender’s ' +
          'Sent mailbox. Blind copies (`bcc`) are delivered without a `Bcc:` header; the Sent copy keeps ' +
          'it. `201` means every recipient has the message durably; any error means none has it. ' +
          'Attachments are base64 in the JSON body, which is limited by `api.bodyLimit` (26 MB by ' +
          'default), and the composed message by `smtp.maxMessageSize` (`413 MESSAGE_TOO_LARGE`).',
        scope: 'mail:write',
        callers: 'the user themselves; admins of the user’s domain',
      },
      {
        params: UserParams,
        body: ref(SendBody),
        response: { 201: ref(SendResult, 'Accepted for delivery'), ...problems(403, 404, ...BODY_PROBLEMS) },
      },
    ),
    async (request, reply) => {
      const user = await visibleUser(request, directory, 'mail:write', request.params.address);
      const result = await mail.send(user.address, request.body, { clientAddress: request.ip });
      return reply.code(201).send(result);
    },
  );
};
