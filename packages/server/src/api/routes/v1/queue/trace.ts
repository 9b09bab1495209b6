import { AppError } from '../../../../shared/index.js';
import { ref } from '../../../schemas/common.js';
import { TraceEventPage, TraceQuery, toTraceEventJson } from '../../../schemas/queue.js';
import { op, problems } from '../../op.js';
import type { V1Plugin } from '../deps.js';
import { required } from '../required.js';
import { queueScopeOf } from './scope.js';

/** `GET /messages/trace`: every hop of a message, from the one trace table (MessageTrace decides). */
export const traceRoutes: V1Plugin = async (app, { trace }) => {
  app.get(
    '/messages/trace',
    op(
      {
        operationId: 'traceMessages',
        tag: 'queue',
        summary: 'Trace messages',
        description:
          'Where did a message go? Every hop — received, filtered, stored in a mailbox, queued, each delivery ' +
          'attempt with the remote answer, bounced, deleted — newest first. Find it by `messageId` (the ' +
          '`Message-ID` header), envelope sender (`from`), recipient (`to`) and a time window (`since`, `until`); ' +
          'filters combine. Kept for `trace.retentionDays`.',
        scope: 'queue:read',
        callers: 'admins; domain admins and domain-restricted callers for messages from or to their domains',
      },
      {
        querystring: TraceQuery,
        response: { 200: ref(TraceEventPage, 'A page of trace events'), ...problems(400, 403, 422) },
      },
    ),
    async (request) => {
      const { messageId, from, to, since, until, limit = 50, cursor } = request.query;
      const sinceMs = since === undefined ? undefined : Date.parse(since);
      const untilMs = until === undefined ? undefined : Date.parse(until);
      if (sinceMs !== undefined && untilMs !== undefined && untilMs < sinceMs)
        throw new AppError('VALIDATION_FAILED', 'until: must not be before since', { field: 'query.until' });
      const page = await required(trace, 'Message tracing').query(
        { messageId, from, to, since: sinceMs, until: untilMs, limit, cursor },
        queueScopeOf(request, 'queue:read'),
      );
      return { items: page.items.map(toTraceEventJson), nextCursor: page.nextCursor };
    },
  );
};
