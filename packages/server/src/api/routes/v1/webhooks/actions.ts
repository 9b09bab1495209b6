import { PageQuery, ref } from '../../../schemas/common.js';
import {
  RotateWebhookSecretBody,
  toAttemptJson,
  toWebhookJson,
  WebhookAttemptModel,
  WebhookAttemptPage,
  WebhookEndpointModel,
  WebhookParams,
  WebhookSecretModel,
} from '../../../schemas/webhooks.js';
import { BODY_PROBLEMS, op, problems } from '../../op.js';
import type { V1Plugin } from '../deps.js';
import { actorOf, required, webhookScopeOf } from './access.js';
import { WEBHOOK_CALLERS } from './webhooks.js';

/** `/webhooks/{id}/…`: secret rotation, re-enabling, delivery attempts and a test ping. */
export const webhookActionRoutes: V1Plugin = async (app, { webhooks }) => {
  const service = () => required(webhooks);

  app.post(
    '/webhooks/:id/rotate-secret',
    {
      // The body is optional (`curl -X POST …/rotate-secret` takes the default overlap): none is an empty object.
      preValidation: async (request) => {
        request.body ??= {};
      },
      ...op(
        {
          operationId: 'rotateWebhookSecret',
          tag: 'webhooks',
          summary: 'Rotate a webhook endpoint’s signing secret',
          description:
            'Returns the new secret, shown only this once. For `overlapHours` (default 24) the old secret still ' +
            'signs: each delivery carries two signatures in `webhook-signature`, so a receiver verifies with ' +
            'either while it switches over.',
          scope: 'webhooks:write',
          callers: WEBHOOK_CALLERS,
        },
        {
          params: WebhookParams,
          body: ref(RotateWebhookSecretBody),
          response: { 200: ref(WebhookSecretModel), ...problems(403, 404, ...BODY_PROBLEMS) },
        },
      ),
    },
    async (request) => {
      const rotated = await service().rotateSecret(
        request.params.id,
        request.body.overlapHours,
        webhookScopeOf(request, 'webhooks:write'),
      );
      request.log.info({ webhook: request.params.id, by: actorOf(request) }, 'webhook secret rotated');
      return { endpoint: toWebhookJson(rotated.endpoint), secret: rotated.secret };
    },
  );

  app.post(
    '/webhooks/:id/enable',
    op(
      {
        operationId: 'enableWebhook',
        tag: 'webhooks',
        summary: 'Enable a webhook endpoint',
        description:
          'Enables a disabled endpoint (by failures or by hand) and clears its failures: delivery resumes at ' +
          'once from the first event it has not accepted, as long as the event log still keeps it ' +
          '(`events.retentionDays`).',
        scope: 'webhooks:write',
        callers: WEBHOOK_CALLERS,
      },
      { params: WebhookParams, response: { 200: ref(WebhookEndpointModel), ...problems(403, 404, 422) } },
    ),
    async (request) =>
      toWebhookJson(await service().enable(request.params.id, webhookScopeOf(request, 'webhooks:write'))),
  );

  app.get(
    '/webhooks/:id/attempts',
    op(
      {
        operationId: 'listWebhookAttempts',
        tag: 'webhooks',
        summary: 'List an endpoint’s delivery attempts',
        description:
          'Newest first: each attempt’s event, HTTP status, duration, error and the start of the answer. ' +
          'Kept `webhooks.attemptRetentionDays` (7).',
        scope: 'webhooks:read',
        callers: WEBHOOK_CALLERS,
      },
      {
        params: WebhookParams,
        querystring: PageQuery,
        response: { 200: ref(WebhookAttemptPage), ...problems(400, 403, 404, 422) },
      },
    ),
    async (request) => {
      const { limit = 50, cursor } = request.query;
      const page = await service().attempts(
        request.params.id,
        { limit, cursor },
        webhookScopeOf(request, 'webhooks:read'),
      );
      return { items: page.items.map(toAttemptJson), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/webhooks/:id/test',
    op(
      {
        operationId: 'testWebhook',
        tag: 'webhooks',
        summary: 'Send a test event to an endpoint',
        description:
          'POSTs a signed `webhook.test` event now (also to a disabled endpoint) and answers how it went. ' +
          'It is not in the event log and does not move the endpoint’s cursor.',
        scope: 'webhooks:write',
        callers: WEBHOOK_CALLERS,
      },
      { params: WebhookParams, response: { 200: ref(WebhookAttemptModel), ...problems(403, 404, 422) } },
    ),
    async (request) =>
      toAttemptJson(await service().test(request.params.id, webhookScopeOf(request, 'webhooks:write'))),
  );
};
