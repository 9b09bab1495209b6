import { principalOf } from '../../../auth/index.js';
import { ref } from '../../../schemas/common.js';
import {
  DeleteQueueEntryQuery,
  QueueEntryModel,
  QueueEntryPage,
  QueueEntryParams,
  QueueQuery,
  toQueueEntryJson,
} from '../../../schemas/queue.js';
import { NO_CONTENT, op, problems } from '../../op.js';
import type { V1Plugin } from '../deps.js';
import { required } from '../required.js';
import { queueScopeOf } from './scope.js';

const CALLERS = 'admins; domain admins and domain-restricted callers for messages from or to their domains';

/** `/queue`: the outbound queue for operators — what waits, why, retry now, delete. Thin: QueueService decides. */
export const queueRoutes: V1Plugin = async (app, { queue }) => {
  const service = () => required(queue, 'The outbound queue');

  app.get(
    '/queue',
    op(
      {
        operationId: 'listQueue',
        tag: 'queue',
        summary: 'List the outbound queue',
        description:
          'Messages waiting for a remote server, one entry per (message, destination domain), oldest first, ' +
          'with each recipient’s state and the last remote answer. Filters combine (all must match); ' +
          '`domain` is the destination domain.',
        scope: 'queue:read',
        callers: CALLERS,
      },
      {
        querystring: QueueQuery,
        response: { 200: ref(QueueEntryPage, 'A page of queue entries'), ...problems(400, 403, 422) },
      },
    ),
    async (request) => {
      const { limit = 50, cursor, state, domain, sender, recipient } = request.query;
      const page = await service().list(
        { state, domain, sender, recipient, limit, cursor },
        queueScopeOf(request, 'queue:read'),
      );
      return { items: page.items.map(toQueueEntryJson), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/queue/:id',
    op(
      {
        operationId: 'getQueueEntry',
        tag: 'queue',
        summary: 'Get a queue entry',
        scope: 'queue:read',
        callers: CALLERS,
      },
      {
        params: QueueEntryParams,
        response: { 200: ref(QueueEntryModel, 'The entry'), ...problems(403, 404, 422) },
      },
    ),
    async (request) =>
      toQueueEntryJson(await service().get(request.params.id, queueScopeOf(request, 'queue:read'))),
  );

  app.post(
    '/queue/:id/retry',
    op(
      {
        operationId: 'retryQueueEntry',
        tag: 'queue',
        summary: 'Retry a queue entry now',
        description:
          'Makes the entry due at once (a worker sends it within moments); its attempts and expiry stay. ' +
          'An entry being sent right now is left to that attempt.',
        scope: 'queue:write',
        callers: CALLERS,
      },
      {
        params: QueueEntryParams,
        response: { 200: ref(QueueEntryModel, 'The entry, due now'), ...problems(403, 404, 422) },
      },
    ),
    async (request) => {
      const entry = await service().retry(request.params.id, queueScopeOf(request, 'queue:write'));
      request.log.info({ queueEntry: entry.id, by: principalOf(request).id }, 'queue entry retried');
      return toQueueEntryJson(entry);
    },
  );

  app.delete(
    '/queue/:id',
    op(
      {
        operationId: 'deleteQueueEntry',
        tag: 'queue',
        summary: 'Delete a queue entry',
        description:
          'Stops delivery to the entry’s recipients not yet delivered. With `bounce=true` the sender is told ' +
          '(a delivery status notification in their INBOX); without it, nobody is. The trace records the deletion.',
        scope: 'queue:write',
        callers: CALLERS,
      },
      {
        params: QueueEntryParams,
        querystring: DeleteQueueEntryQuery,
        response: { ...NO_CONTENT, ...problems(400, 403, 404, 422) },
      },
    ),
    async (request, reply) => {
      const bounce = request.query.bounce === true;
      await service().remove(request.params.id, queueScopeOf(request, 'queue:write'), { bounce });
      request.log.info(
        { queueEntry: request.params.id, bounce, by: principalOf(request).id },
        'queue entry deleted',
      );
      return reply.code(204).send(null);
    },
  );
};
