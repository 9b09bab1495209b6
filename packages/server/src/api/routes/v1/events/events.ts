import { cursorExpired, type EventLog, isKnownTypeFilter, toCloudEvent } from '../../../../events/index.js';
import { AppError } from '../../../../shared/index.js';
import { principalOf, readableEvents } from '../../../auth/index.js';
import { ref } from '../../../schemas/common.js';
import { EventPage, EventsQuery } from '../../../schemas/events.js';
import { baseUrlOf } from '../../auth/deps.js';
import { op, problems } from '../../op.js';
import type { V1Plugin } from '../deps.js';
import { required } from '../required.js';

/** The `types` filter, each name checked against the catalogue (an unknown one is a typo, not "nothing"). */
function typeFilter(types: string | undefined): string[] | undefined {
  if (!types) return undefined;
  const list = [...new Set(types.split(','))];
  for (const t of list)
    if (!isKnownTypeFilter(t))
      throw new AppError('VALIDATION_FAILED', `types: ${t} is not an event type or prefix`, {
        field: 'query.types',
      });
  return list;
}

/** Where to start: after the given cursor (410 when events after it were pruned), else after the last pruned. */
async function startAfter(events: EventLog, after: string | undefined): Promise<number> {
  const oldest = await events.oldest();
  if (after === undefined) return oldest - 1;
  const position = Number(after);
  if (!Number.isSafeInteger(position))
    throw new AppError('VALIDATION_FAILED', 'after: not a position of this log', { field: 'query.after' });
  if (cursorExpired(position, oldest))
    throw new AppError('EVENTS_CURSOR_EXPIRED', undefined, { oldest: String(oldest) });
  return position;
}

/** `GET /events`: the event log by cursor, as CloudEvents, only what the caller may see. */
export const eventRoutes: V1Plugin = async (app, { events, publicUrl }) => {
  app.get(
    '/events',
    {
      ...op(
        {
          operationId: 'listEvents',
          tag: 'events',
          summary: 'Read the event log',
          description:
            'Every change that matters — a message arrived, was read, flagged, moved or deleted; a mailbox, ' +
            'user or group changed; an outbound message was delivered or bounced; a directory sync ended — as ' +
            'CloudEvents 1.0, oldest first, from `after` on. Each event was written in the same transaction as ' +
            'its change, so the log holds exactly what committed, in order. Follow it by passing `nextCursor` ' +
            'back as `after`; an event comes again only if you ask again from before it (de-duplicate by `id`). ' +
            'Events are kept `events.retentionDays` days; a cursor older than that answers 410 ' +
            '`EVENTS_CURSOR_EXPIRED`: resync, then follow from `oldest` - 1 (the problem gives `oldest`).',
          scope: 'events:read',
          callers:
            'admins and unrestricted callers see every event; domain admins and domain-restricted callers their domains’; a user the events about their own mailbox and account',
        },
        {
          querystring: EventsQuery,
          response: { 200: ref(EventPage, 'A page of events'), ...problems(400, 403, 410, 422) },
        },
      ),
      // Bodies are built from the log's own JSON in the catalogue's shapes: plain JSON.stringify is
      // exact, and a compiled serializer would have to try every branch of the CloudEvent union.
      serializerCompiler: () => JSON.stringify,
    },
    async (request) => {
      const log = required(events, 'The event log');
      const scope = readableEvents(principalOf(request));
      const { limit = 100 } = request.query;
      const types = typeFilter(request.query.types);
      const after = await startAfter(log, request.query.after);
      const page = await log.read({ after, types, scope, limit });
      const source = baseUrlOf(request, publicUrl);
      const last = page[page.length - 1];
      return {
        items: page.map((e) => toCloudEvent(e, source)),
        nextCursor: String(last ? last.position : after),
        hasMore: page.length === limit,
      };
    },
  );
};
