import { Type } from 'typebox';
import { ref } from '../../../schemas/common.js';
import { MessageChanges, toSummaryJson } from '../../../schemas/mail.js';
import { op, problems } from '../../op.js';
import { visibleUser } from '../access.js';
import type { V1Plugin } from '../deps.js';
import { UserParams } from '../users/users.js';
import { MAIL_READERS } from './mailboxes.js';

/** Delta sync: what changed in all of a user's folders since a token (see store/delta.ts). */
export const changeRoutes: V1Plugin = async (app, { directory, mail }) => {
  app.get(
    '/users/:address/messages/changes',
    op(
      {
        operationId: 'listMessageChanges',
        tag: 'mail',
        summary: 'Delta sync: what changed since a token',
        description:
          'Without `since`: every message of every folder, as `added`, in pages (`hasMore`), then a `token`. ' +
          'With `since`: the messages added, updated and removed since that token, and a new token. ' +
          'Changes made while you page are never lost: they come with a later call. ' +
          '**410** `SYNC_TOKEN_EXPIRED` when the token can no longer be answered exactly (a folder it knew was ' +
          'deleted, or the change journal was pruned past it): drop your copy and start again without `since`.',
        scope: 'mail:read',
        callers: MAIL_READERS,
      },
      {
        params: UserParams,
        querystring: Type.Object({
          since: Type.Optional(
            Type.String({ minLength: 1, maxLength: 65_536, description: 'The `token` of the previous call' }),
          ),
          limit: Type.Optional(
            Type.Integer({
              minimum: 1,
              maximum: 1000,
              default: 500,
              description: 'About how many messages per answer',
            }),
          ),
        }),
        response: {
          200: ref(MessageChanges, 'The changes and the next token'),
          ...problems(400, 403, 404, 410, 422),
        },
      },
    ),
    async (request) => {
      const user = await visibleUser(request, directory, 'mail:read', request.params.address);
      const { since, limit = 500 } = request.query;
      const delta = await mail.changes(user.address, { since, limit });
      return {
        added: delta.added.map(toSummaryJson),
        updated: delta.updated.map(toSummaryJson),
        removed: delta.removed,
        token: delta.token,
        hasMore: delta.hasMore,
      };
    },
  );
};
