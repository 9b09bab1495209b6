import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { App, OAuthService } from '../../../../oauth/index.js';
import { principalOf, visibleDomains } from '../../../auth/index.js';
import {
  AppCredentialsModel,
  AppModel,
  AppPage,
  CreateAppBody,
  toAppJson,
  UpdateAppBody,
} from '../../../schemas/app.js';
import { PageQuery, ref } from '../../../schemas/common.js';
import { BODY_PROBLEMS, NO_CONTENT, op, problems } from '../../op.js';
import { assertMayMakeCredential, assertSeesCredential } from '../access.js';
import type { V1Plugin } from '../deps.js';

const AppParams = Type.Object({
  clientId: Type.String({ minLength: 1, maxLength: 100, description: 'The app’s client id (`jdc_…`)' }),
});
const CALLERS = 'admins; domain admins and domain-restricted callers only for apps of their domain';

/**
 * The app a route acts on, once the caller may see it (and, to `manage` it,
 * holds its scopes: its secret hands them on): see {@link assertSeesCredential}.
 * Hidden and missing apps are the same APP_NOT_FOUND.
 */
async function appFor(
  request: FastifyRequest,
  oauth: OAuthService,
  clientId: string,
  manage: boolean,
): Promise<App> {
  const app = await oauth.apps.get(clientId);
  assertSeesCredential(request, app, 'apps:write', 'APP_NOT_FOUND', { manage });
  return app;
}

/** `/apps`: integrations that get app tokens with the OAuth 2.0 client credentials grant. */
export const appRoutes: V1Plugin = async (app, { oauth }) => {
  app.post(
    '/apps',
    op(
      {
        operationId: 'createApp',
        tag: 'apps',
        summary: 'Register an app',
        description:
          'Returns the app and its client secret, which is shown only this once. The caller must hold every ' +
          'scope it gives the app; a domain-restricted caller can register only apps restricted to its domain.',
        scope: 'apps:write',
        callers: CALLERS,
      },
      {
        body: ref(CreateAppBody),
        response: {
          201: ref(AppCredentialsModel, 'The new app and its client secret'),
          ...problems(403, 404, ...BODY_PROBLEMS),
        },
      },
    ),
    async (request, reply) => {
      const { name, scopes, domain, allowedOrigins } = request.body;
      assertMayMakeCredential(request, 'apps:write', request.body);
      const created = await oauth.apps.create({ name, scopes, domain: domain ?? null, allowedOrigins });
      return reply.code(201).send({ app: toAppJson(created.app), clientSecret: created.clientSecret });
    },
  );

  app.get(
    '/apps',
    op(
      {
        operationId: 'listApps',
        tag: 'apps',
        summary: 'List apps',
        description: 'Apps the caller may see, oldest first.',
        scope: 'apps:write',
        callers: CALLERS,
      },
      {
        querystring: PageQuery,
        response: { 200: ref(AppPage, 'A page of apps'), ...problems(400, 403, 422) },
      },
    ),
    async (request) => {
      const visible = visibleDomains(principalOf(request), 'apps:write');
      const { limit = 50, cursor } = request.query;
      const page = await oauth.apps.list({ visibleDomains: visible, limit, cursor });
      return { items: page.items.map(toAppJson), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/apps/:clientId',
    op(
      { operationId: 'getApp', tag: 'apps', summary: 'Get an app', scope: 'apps:write', callers: CALLERS },
      { params: AppParams, response: { 200: ref(AppModel, 'The app'), ...problems(403, 404, 422) } },
    ),
    async (request) => toAppJson(await appFor(request, oauth, request.params.clientId, false)),
  );

  app.patch(
    '/apps/:clientId',
    op(
      {
        operationId: 'updateApp',
        tag: 'apps',
        summary: 'Rename, disable or enable an app, or set its allowed origins',
        description:
          'A disabled app gets no tokens, and the tokens it already has are refused (within 15 s on every node). ' +
          'A change of `allowedOrigins` applies to widget tokens already out, within 15 s.',
        scope: 'apps:write',
        callers: `${CALLERS}, holding every scope of the app`,
      },
      {
        params: AppParams,
        body: ref(UpdateAppBody),
        response: { 200: ref(AppModel, 'The app'), ...problems(403, 404, ...BODY_PROBLEMS) },
      },
    ),
    async (request) => {
      const found = await appFor(request, oauth, request.params.clientId, true);
      return toAppJson(await oauth.apps.update(found.clientId, request.body));
    },
  );

  app.delete(
    '/apps/:clientId',
    op(
      {
        operationId: 'deleteApp',
        tag: 'apps',
        summary: 'Delete an app',
        description: 'Its tokens are refused from then on.',
        scope: 'apps:write',
        callers: `${CALLERS}, holding every scope of the app`,
      },
      { params: AppParams, response: { ...NO_CONTENT, ...problems(403, 404, 422) } },
    ),
    async (request, reply) => {
      const found = await appFor(request, oauth, request.params.clientId, true);
      await oauth.apps.remove(found.clientId);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/apps/:clientId/rotate-secret',
    op(
      {
        operationId: 'rotateAppSecret',
        tag: 'apps',
        summary: 'Give an app a new client secret',
        description:
          'The old secret stops working at once, and tokens issued before the rotation are refused. ' +
          'The new secret is shown only this once.',
        scope: 'apps:write',
        callers: `${CALLERS}, holding every scope of the app`,
      },
      {
        params: AppParams,
        response: { 200: ref(AppCredentialsModel, 'The app and its new secret'), ...problems(403, 404, 422) },
      },
    ),
    async (request) => {
      const found = await appFor(request, oauth, request.params.clientId, true);
      const rotated = await oauth.apps.rotateSecret(found.clientId);
      return { app: toAppJson(rotated.app), clientSecret: rotated.clientSecret };
    },
  );
};
