import { PageQuery, ref } from '../../../schemas/common.js';
import {
  CreateWebhookBody,
  toWebhookJson,
  UpdateWebhookBody,
  WebhookEndpointModel,
  WebhookEndpointPage,
  WebhookParams,
  WebhookSecretModel,
} from '../../../schemas/webhooks.js';
import { BODY_PROBLEMS, NO_CONTENT, op, problems } from '../../op.js';
import type { V1Plugin } from '../deps.js';
import { actorOf, required, tenantOf, webhookScopeOf } from './access.js';

export const WEBHOOK_CALLERS =
  'admins (every endpoint); domain admins and domain-restricted callers for endpoints of their domains';

/** `/webhooks`: register, list, change and delete endpoints. Thin: the webhook service decides. */
export const webhookRoutes: V1Plugin = async (app, { webhooks }) => {
  const service = () => required(webhooks);

  app.post(
    '/webhooks',
    op(
      {
        operationId: 'createWebhook',
        tag: 'webhooks',
        summary: 'Register a webhook endpoint',
        description:
          'Events logged from now on that pass the filters are POSTed to `url`, one at a time and in order, ' +
          'signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`). Returns ' +
          'the signing secret, shown only this once.',
        scope: 'webhooks:write',
        callers: WEBHOOK_CALLERS,
      },
      {
        body: ref(CreateWebhookBody),
        response: {
          201: ref(WebhookSecretModel, 'The new endpoint and its signing secret'),
          ...problems(403, 404, ...BODY_PROBLEMS),
        },
      },
    ),
    async (request, reply) => {
      const { url, description, eventTypes, domains, domain } = request.body;
      const created = await service().create({
        url,
        description,
        eventTypes,
        domains,
        domain: tenantOf(request, domain),
        createdBy: actorOf(request),
      });
      return reply.code(201).send({ endpoint: toWebhookJson(created.endpoint), secret: created.secret });
    },
  );

  app.get(
    '/webhooks',
    op(
      {
        operationId: 'listWebhooks',
        tag: 'webhooks',
        summary: 'List webhook endpoints',
        description: 'The endpoints the caller may manage, oldest first.',
        scope: 'webhooks:read',
        callers: WEBHOOK_CALLERS,
      },
      { querystring: PageQuery, response: { 200: ref(WebhookEndpointPage), ...problems(400, 403, 422) } },
    ),
    async (request) => {
      const { limit = 50, cursor } = request.query;
      const page = await service().list({ limit, cursor }, webhookScopeOf(request, 'webhooks:read'));
      return { items: page.items.map(toWebhookJson), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/webhooks/:id',
    op(
      {
        operationId: 'getWebhook',
        tag: 'webhooks',
        summary: 'Get a webhook endpoint',
        description: 'With its delivery state: the cursor, failures in a row, why it was disabled.',
        scope: 'webhooks:read',
        callers: WEBHOOK_CALLERS,
      },
      { params: WebhookParams, response: { 200: ref(WebhookEndpointModel), ...problems(403, 404, 422) } },
    ),
    async (request) =>
      toWebhookJson(await service().get(request.params.id, webhookScopeOf(request, 'webhooks:read'))),
  );

  app.patch(
    '/webhooks/:id',
    op(
      {
        operationId: 'updateWebhook',
        tag: 'webhooks',
        summary: 'Change a webhook endpoint',
        description:
          'Changes the URL, description or filters (they apply from the next event delivered), or disables ' +
          'it (`enabled: false`: deliveries stop and resume from the same place when it is enabled again).',
        scope: 'webhooks:write',
        callers: WEBHOOK_CALLERS,
      },
      {
        params: WebhookParams,
        body: ref(UpdateWebhookBody),
        response: { 200: ref(WebhookEndpointModel), ...problems(403, 404, ...BODY_PROBLEMS) },
      },
    ),
    async (request) => {
      const scope = webhookScopeOf(request, 'webhooks:write');
      return toWebhookJson(await service().update(request.params.id, request.body, scope, actorOf(request)));
    },
  );

  app.delete(
    '/webhooks/:id',
    op(
      {
        operationId: 'deleteWebhook',
        tag: 'webhooks',
        summary: 'Delete a webhook endpoint',
        description: 'Deliveries stop at once; its attempt records go with it.',
        scope: 'webhooks:write',
        callers: WEBHOOK_CALLERS,
      },
      { params: WebhookParams, response: { ...NO_CONTENT, ...problems(403, 404, 422) } },
    ),
    async (request, reply) => {
      await service().remove(request.params.id, webhookScopeOf(request, 'webhooks:write'));
      request.log.info({ webhook: request.params.id, by: actorOf(request) }, 'webhook endpoint deleted');
      return reply.code(204).send(null);
    },
  );
};
