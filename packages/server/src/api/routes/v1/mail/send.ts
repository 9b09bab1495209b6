import { type Static, Type } from 'typebox';
import { fingerprintOf } from '../../../../idempotency/index.js';
import { AppError } from '../../../../shared/index.js';
import { principalOf } from '../../../auth/index.js';
import { ref } from '../../../schemas/common.js';
import { SendBody, SendResult } from '../../../schemas/mail.js';
import { PATTERNS } from '../../../schemas/patterns.js';
import { BODY_PROBLEMS, op, problems } from '../../op.js';
import { visibleUser } from '../access.js';
import type { V1Plugin } from '../deps.js';
import { UserParams } from '../users/users.js';

const SendHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      pattern: PATTERNS.visibleAscii.pattern,
      description:
        'Makes the send safe to retry (draft-ietf-httpapi-idempotency-key-header): a request that repeats ' +
        'an earlier successful one with the same key, from the same caller, within 24 hours, sends ' +
        'nothing and gets the earlier `201` again (with `Idempotent-Replayed: true`). `409 ' +
        'IDEMPOTENCY_KEY_IN_USE` while the first is still running; `422 IDEMPOTENCY_KEY_REUSED` when ' +
        'the key came with a different request. A unique value per message, e.g. a UUID; the SDK ' +
        'sets one.',
    }),
  ),
});

/** `POST /users/{address}/send`: compose and deliver a message as that user. */
export const sendRoutes: V1Plugin = async (app, { directory, mail, idempotency }) => {
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
          'default), or, for large files, references: an upload (`{ "uploadId" }`, see `createUpload`), ' +
          'an attachment of a stored message (`{ "fromMessage", "attachmentId" }`) or a whole stored ' +
          'message as `message/rfc822` (`{ "fromMessage" }`); referenced files are streamed into the ' +
          'message, never held in memory. `draftId` names a draft the message was written in: it is ' +
          'deleted once the send is accepted (`404` before anything is sent if it is not a draft of ' +
          'the sender’s). The composed message is limited by `smtp.maxMessageSize` (`413 MESSAGE_TOO_LARGE`) and ' +
          'its header section by 512 KiB and 5,000 lines, as all mail (`413 HEADER_TOO_LARGE`). ' +
          'With an `Idempotency-Key` a lost response can be retried without sending twice. The message ' +
          'passes the filter as submitted mail does: `422 FILTER_REJECTED` (a virus, a rule, or spam with ' +
          '`filter.outboundSpam: reject`), `503 FILTER_TEMPFAIL` (clamd down); a quarantine verdict ' +
          'answers `201` but holds the remote recipients until an administrator releases the message.',
        scope: 'mail:write',
        callers: 'the user themselves; admins of the user’s domain',
        largeBody: true,
      },
      {
        params: UserParams,
        headers: SendHeaders,
        body: ref(SendBody),
        response: {
          201: ref(SendResult, 'Accepted for delivery'),
          ...problems(403, 404, 409, ...BODY_PROBLEMS),
        },
      },
    ),
    async (request, reply) => {
      const user = await visibleUser(request, directory, 'mail:write', request.params.address);
      const key = request.headers['idempotency-key'];
      const send = () => mail.send(user.address, request.body, { clientAddress: request.ip });
      if (key === undefined) return reply.code(201).send(await send());

      if (!idempotency) throw new AppError('UNAVAILABLE', 'Idempotency-Key is not available on this server');
      const principal = principalOf(request);
      const owner = `${principal.kind}:${principal.id}`;
      const claim = await idempotency.begin(
        owner,
        key,
        fingerprintOf('POST', `/users/${user.address}/send`, request.body),
      );
      if (claim.state === 'done') {
        // Only successful sends are recorded, so the outcome replayed is a 201 with its ids.
        return reply
          .code(201)
          .header('idempotent-replayed', 'true')
          .send(claim.body as Static<typeof SendResult>);
      }
      let result: Awaited<ReturnType<typeof send>>;
      try {
        result = await send();
      } catch (err) {
        // Nothing was sent (the send is all or nothing): the key is free for a retry.
        await idempotency
          .release(owner, key)
          .catch((e) => request.log.error({ err: e }, 'idempotency release failed'));
        throw err;
      }
      // Sent: if the outcome cannot be recorded the caller still gets it; a retry would then wait
      // out the claim (409) instead of sending twice.
      await idempotency
        .complete(owner, key, 201, result)
        .catch((e) => request.log.error({ err: e }, 'idempotency outcome not recorded'));
      return reply.code(201).send(result);
    },
  );
};
