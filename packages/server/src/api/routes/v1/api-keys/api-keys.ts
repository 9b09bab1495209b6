import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { ApiKey, Directory } from '../../../../directory/index.js';
import { principalOf, visibleDomains } from '../../../auth/index.js';
import {
  ApiKeyCredentialsModel,
  ApiKeyModel,
  ApiKeyPage,
  CreateApiKeyBody,
  RotateApiKeyBody,
  toApiKeyJson,
} from '../../../schemas/api-key.js';
import { PageQuery, ref } from '../../../schemas/common.js';
import { BODY_PROBLEMS, NO_CONTENT, op, problems } from '../../op.js';
import { assertMayMakeCredential, assertSeesCredential } from '../access.js';
import type { V1Plugin } from '../deps.js';

const KeyParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 100, description: 'The key’s id (from the list, not the key)' }),
});
const CALLERS = 'admins; domain admins and domain-restricted callers only for keys of their domain';
// Keys are integration credentials, as apps are: the same scope governs both.
const SCOPE = 'apps:write';

/**
 * The key a route acts on, once the caller may see it (and, to `manage` it,
 * holds its scopes): see {@link assertSeesCredential}. Hidden and missing keys
 * are the same API_KEY_NOT_FOUND.
 */
async function keyFor(
  request: FastifyRequest,
  directory: Directory,
  id: string,
  manage: boolean,
): Promise<ApiKey> {
  const key = await directory.getApiKey(id);
  assertSeesCredential(request, key, SCOPE, 'API_KEY_NOT_FOUND', { manage });
  return key;
}

/** `/api-keys`: the keys integrations authenticate with, managed without ever showing a stored key again. */
export const apiKeyRoutes: V1Plugin = async (app, { directory }) => {
  app.post(
    '/api-keys',
    op(
      {
        operationId: 'createApiKey',
        tag: 'api-keys',
        summary: 'Make an API key',
        description:
          'Returns the key, shown only this once, and its record. The caller must hold every scope it gives ' +
          'the key; a domain-restricted caller can make only keys restricted to its domain.',
        scope: SCOPE,
        callers: CALLERS,
      },
      {
        body: ref(CreateApiKeyBody),
        response: {
          201: ref(ApiKeyCredentialsModel, 'The new key and its record'),
          ...problems(403, 404, ...BODY_PROBLEMS),
        },
      },
    ),
    async (request, reply) => {
      const { name, scopes, domain } = request.body;
      assertMayMakeCredential(request, SCOPE, request.body);
      const created = await directory.createApiKey({ name, scopes, domain: domain ?? null });
      request.log.info({ apiKey: created.apiKey.id, by: principalOf(request).id }, 'api key created');
      return reply.code(201).send({ apiKey: toApiKeyJson(created.apiKey), key: created.key });
    },
  );

  app.get(
    '/api-keys',
    op(
      {
        operationId: 'listApiKeys',
        tag: 'api-keys',
        summary: 'List API keys',
        description:
          'The keys that work now, including rotated ones until their `expiresAt`, about oldest first. ' +
          'Never the keys themselves: only their `prefix`.',
        scope: SCOPE,
        callers: CALLERS,
      },
      {
        querystring: PageQuery,
        response: { 200: ref(ApiKeyPage, 'A page of API keys'), ...problems(400, 403, 422) },
      },
    ),
    async (request) => {
      const visible = visibleDomains(principalOf(request), SCOPE);
      const { limit = 50, cursor } = request.query;
      const page = await directory.listApiKeys({ visibleDomains: visible, limit, cursor });
      return { items: page.items.map(toApiKeyJson), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/api-keys/:id',
    op(
      {
        operationId: 'getApiKey',
        tag: 'api-keys',
        summary: 'Get an API key',
        scope: SCOPE,
        callers: CALLERS,
      },
      {
        params: KeyParams,
        response: { 200: ref(ApiKeyModel, 'The key’s record'), ...problems(403, 404, 422) },
      },
    ),
    async (request) => toApiKeyJson(await keyFor(request, directory, request.params.id, false)),
  );

  app.delete(
    '/api-keys/:id',
    op(
      {
        operationId: 'revokeApiKey',
        tag: 'api-keys',
        summary: 'Revoke an API key',
        description: 'It stops working at once, on every node; a rotated key in its grace period too.',
        scope: SCOPE,
        callers: `${CALLERS}, holding every scope of the key`,
      },
      { params: KeyParams, response: { ...NO_CONTENT, ...problems(403, 404, 422) } },
    ),
    async (request, reply) => {
      const key = await keyFor(request, directory, request.params.id, true);
      await directory.revokeApiKey(key.id);
      request.log.info({ apiKey: key.id, by: principalOf(request).id }, 'api key revoked');
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api-keys/:id/rotate',
    {
      // The body is optional (`curl -X POST …/rotate` takes the default grace): none is an empty object.
      preValidation: async (request) => {
        request.body ??= {};
      },
      ...op(
        {
          operationId: 'rotateApiKey',
          tag: 'api-keys',
          summary: 'Rotate an API key',
          description:
            'Makes a new key with the same name, scopes and domain (shown only this once). The old key works on ' +
            'for `graceSeconds` (default a day) and then stops; its record shows when (`expiresAt`). Revoke it ' +
            'to stop it sooner. A key already being rotated cannot be rotated again: rotate its successor.',
          scope: SCOPE,
          callers: `${CALLERS}, holding every scope of the key`,
        },
        {
          params: KeyParams,
          body: ref(RotateApiKeyBody),
          response: {
            201: ref(ApiKeyCredentialsModel, 'The new key and its record'),
            ...problems(403, 404, ...BODY_PROBLEMS),
          },
        },
      ),
    },
    async (request, reply) => {
      const key = await keyFor(request, directory, request.params.id, true);
      const rotated = await directory.rotateApiKey(key.id, request.body.graceSeconds);
      request.log.info(
        { apiKey: key.id, successor: rotated.apiKey.id, by: principalOf(request).id },
        'api key rotated',
      );
      return reply.code(201).send({ apiKey: toApiKeyJson(rotated.apiKey), key: rotated.key });
    },
  );
};
