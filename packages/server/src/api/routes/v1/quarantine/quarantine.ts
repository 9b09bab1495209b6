import { principalOf } from '../../../auth/index.js';
import { ref } from '../../../schemas/common.js';
import {
  QuarantineEntryModel,
  QuarantinePage,
  QuarantineParams,
  QuarantineQuery,
  ReleaseResult,
  TrainQuarantineBody,
  toQuarantineJson,
} from '../../../schemas/quarantine.js';
import { NO_CONTENT, op, problems } from '../../op.js';
import type { V1Plugin } from '../deps.js';
import { queueScopeOf } from '../queue/scope.js';
import { required } from '../required.js';

const CALLERS = 'admins; domain admins and domain-restricted callers for messages to their domains';

/** `/quarantine`: what the filter held — review, release, delete, train. Thin: QuarantineService decides. */
export const quarantineRoutes: V1Plugin = async (app, { quarantine }) => {
  const service = () => required(quarantine, 'The quarantine');
  const params = { params: QuarantineParams };

  app.get(
    '/quarantine',
    op(
      {
        operationId: 'listQuarantine',
        tag: 'filter',
        summary: 'List quarantined messages',
        description:
          'Messages the filter held (a virus with `virus.onInfected=quarantine`, a rule’s `quarantine`), newest first, one entry per message and recipient domain.',
        scope: 'queue:read',
        callers: CALLERS,
      },
      {
        querystring: QuarantineQuery,
        response: { 200: ref(QuarantinePage, 'A page of held messages'), ...problems(400, 403, 422) },
      },
    ),
    async (request) => {
      const { limit = 50, cursor, domain } = request.query;
      const page = await service().list({ limit, cursor, domain }, queueScopeOf(request, 'queue:read'));
      return { items: page.items.map(toQuarantineJson), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/quarantine/:id',
    op(
      {
        operationId: 'getQuarantined',
        tag: 'filter',
        summary: 'Get a quarantined message',
        scope: 'queue:read',
        callers: CALLERS,
      },
      {
        ...params,
        response: { 200: ref(QuarantineEntryModel, 'The held message'), ...problems(403, 404, 422) },
      },
    ),
    async (request) =>
      toQuarantineJson(await service().get(request.params.id, queueScopeOf(request, 'queue:read'))),
  );

  app.post(
    '/quarantine/:id/release',
    op(
      {
        operationId: 'releaseQuarantined',
        tag: 'filter',
        summary: 'Release a quarantined message',
        description:
          'Delivers the held message to its recipients’ INBOX (as it arrived, headers included) and removes it from the quarantine.',
        scope: 'queue:write',
        callers: CALLERS,
      },
      { ...params, response: { 200: ref(ReleaseResult, 'Delivered'), ...problems(403, 404, 422) } },
    ),
    async (request) => {
      const result = await service().release(request.params.id, queueScopeOf(request, 'queue:write'));
      request.log.info(
        { quarantined: request.params.id, by: principalOf(request).id },
        'quarantined message released',
      );
      return result;
    },
  );

  app.post(
    '/quarantine/:id/train',
    op(
      {
        operationId: 'trainQuarantined',
        tag: 'filter',
        summary: 'Train the spam filter with a quarantined message',
        description:
          'Learns the held message into the global spam model: as `spam` (then deletes it) or as `ham` (then releases it).',
        scope: 'queue:write',
        callers: CALLERS,
      },
      {
        ...params,
        body: ref(TrainQuarantineBody),
        response: {
          200: ref(ReleaseResult, 'Learned; delivered copies (0 for spam)'),
          ...problems(400, 403, 404, 422),
        },
      },
    ),
    async (request) => {
      const result = await service().train(
        request.params.id,
        request.body.as,
        queueScopeOf(request, 'queue:write'),
      );
      request.log.info(
        { quarantined: request.params.id, as: request.body.as, by: principalOf(request).id },
        'quarantined message trained',
      );
      return result;
    },
  );

  app.delete(
    '/quarantine/:id',
    op(
      {
        operationId: 'deleteQuarantined',
        tag: 'filter',
        summary: 'Delete a quarantined message',
        scope: 'queue:write',
        callers: CALLERS,
      },
      { ...params, response: { ...NO_CONTENT, ...problems(403, 404, 422) } },
    ),
    async (request, reply) => {
      await service().remove(request.params.id, queueScopeOf(request, 'queue:write'));
      request.log.info(
        { quarantined: request.params.id, by: principalOf(request).id },
        'quarantined message deleted',
      );
      return reply.code(204).send(null);
    },
  );
};
