import { Type } from 'typebox';
import { AppError } from '../../../../shared/index.js';
import { ref } from '../../../schemas/common.js';
import { EndSessionsResult } from '../../../schemas/settings.js';
import { SessionList, toSessionJson } from '../../../schemas/sso.js';
import { NO_CONTENT, op, problems } from '../../op.js';
import { assertSelf, manageableUser, visibleUser } from '../access.js';
import type { V1Plugin } from '../deps.js';
import { UserParams } from '../users/users.js';

const EndOwnSessionsBody = Type.Object(
  {
    ids: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
        minItems: 1,
        maxItems: 100,
        description: 'End these sessions',
      }),
    ),
    allOthers: Type.Optional(
      Type.Boolean({ description: 'true: end every session but the one making this request' }),
    ),
  },
  { additionalProperties: false },
);

const SessionParams = Type.Object({
  address: UserParams.properties.address,
  id: Type.String({ minLength: 1, maxLength: 64, description: 'Session id' }),
});

/** `/users/{address}/sessions`: list a user's signed-in sessions and end them. */
export const sessionRoutes: V1Plugin = async (app, { directory, sso }) => {
  if (!sso) return;

  app.get(
    '/users/:address/sessions',
    op(
      {
        operationId: 'listSessions',
        tag: 'sso',
        summary: 'List a user’s sessions',
        description:
          'Live sessions, newest first: webmail sign-ins and signed-in POP3 connections (`channel`). Secrets are never shown.',
        scope: 'users:read',
        callers: 'admins of the user’s domain; the user themselves',
      },
      { params: UserParams, response: { 200: ref(SessionList, 'The sessions'), ...problems(403, 404, 422) } },
    ),
    async (request) => {
      const user = await visibleUser(request, directory, 'users:read', request.params.address);
      const items = await sso.sessions.listForUser(user.id);
      return { items: items.map((s) => toSessionJson(s, request.webSession?.id)) };
    },
  );

  app.delete(
    '/users/:address/sessions',
    op(
      {
        operationId: 'revokeSessions',
        tag: 'sso',
        summary: 'End all of a user’s sessions',
        description: 'Signs the user out everywhere. Their password and SSO accounts are unchanged.',
        scope: 'users:write',
        callers: 'admins of the user’s domain',
      },
      { params: UserParams, response: { ...NO_CONTENT, ...problems(403, 404, 422) } },
    ),
    async (request, reply) => {
      const user = await manageableUser(request, directory, request.params.address);
      const ended = await sso.sessions.revokeForUser(user.id, 'admin');
      request.log.info({ user: user.address, ended }, 'sessions revoked');
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/users/:address/sessions/:id',
    op(
      {
        operationId: 'revokeSession',
        tag: 'sso',
        summary: 'End one session',
        scope: 'users:write',
        callers: 'admins of the user’s domain',
      },
      { params: SessionParams, response: { ...NO_CONTENT, ...problems(403, 404, 422) } },
    ),
    async (request, reply) => {
      const user = await manageableUser(request, directory, request.params.address);
      const session = await sso.sessions.get(request.params.id);
      if (!session || session.userId !== user.id) throw new AppError('SESSION_NOT_FOUND');
      await sso.sessions.revoke(session.id, 'admin');
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/users/:address/sessions/end',
    op(
      {
        operationId: 'endOwnSessions',
        tag: 'sso',
        summary: 'End some of one’s own sessions',
        description:
          'Signs the user out on other devices: the sessions named by `ids`, or with `allOthers` every session but the one making the request (web, IMAP, POP3). One of the two.',
        scope: 'mail:write',
        callers: 'the user themselves',
      },
      {
        params: UserParams,
        body: EndOwnSessionsBody,
        response: { 200: ref(EndSessionsResult, 'Ended'), ...problems(403, 404, 400, 415, 422) },
      },
    ),
    async (request) => {
      const user = await visibleUser(request, directory, 'mail:write', request.params.address);
      assertSelf(request, user, 'end their own sessions this way');
      const { ids, allOthers } = request.body;
      if ((ids === undefined) === (allOthers !== true))
        throw new AppError('VALIDATION_FAILED', 'give either ids or allOthers: true', { field: 'ids' });
      const current = request.webSession?.id ?? null;
      const mine = await sso.sessions.listForUser(user.id);
      const chosen = allOthers
        ? mine.filter((s) => s.id !== current)
        : mine.filter((s) => ids?.includes(s.id));
      if (ids && chosen.length < new Set(ids).size) throw new AppError('SESSION_NOT_FOUND');
      let ended = 0;
      for (const s of chosen) if (await sso.sessions.revoke(s.id, 'logout')) ended++;
      request.log.info({ user: user.address, ended }, 'user ended own sessions');
      return { ended };
    },
  );
};
