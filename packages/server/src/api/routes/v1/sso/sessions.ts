import { Type } from 'typebox';
import { AppError } from '../../../../shared/index.js';
import { ref } from '../../../schemas/common.js';
import { SessionList, toSessionJson } from '../../../schemas/sso.js';
import { NO_CONTENT, op, problems } from '../../op.js';
import { manageableUser, visibleUser } from '../access.js';
import type { V1Plugin } from '../deps.js';
import { UserParams } from '../users/users.js';

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
};
