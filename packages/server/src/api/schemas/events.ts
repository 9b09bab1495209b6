import { Type } from 'typebox';
import { CloudEventSchema } from '../../events/index.js';
import { ref } from './common.js';
import { PATTERNS } from './patterns.js';

/** A CloudEvents 1.0 event of the log; `data` is typed by `type` (one branch per event type). */
export const CloudEventModel = Type.Unsafe<unknown>({
  ...CloudEventSchema,
  $id: 'CloudEvent',
  title: 'CloudEvent',
});

export const EventPage = Type.Object(
  {
    items: Type.Array(ref(CloudEventModel)),
    nextCursor: Type.String({
      description:
        'Pass as `after` to continue: the position of the last event of this page, or the `after` given when there was none (poll again with it)',
    }),
    hasMore: Type.Boolean({ description: 'More events are readable now (the page was full)' }),
  },
  { $id: 'EventPage', title: 'EventPage', description: 'Events in log order, oldest first' },
);

export const EventsQuery = Type.Object({
  after: Type.Optional(
    Type.String({
      pattern: PATTERNS.eventPosition.pattern,
      description:
        'A cursor: the events after this position (a `nextCursor`, or an event’s `sequence`). Absent: from the oldest kept event. Older than the retention: 410 `EVENTS_CURSOR_EXPIRED`',
    }),
  ),
  types: Type.Optional(
    Type.String({
      pattern: PATTERNS.eventTypes.pattern,
      maxLength: 1000,
      description: 'Comma-separated event types or prefixes: `message.new,user.*`. Absent: every type',
    }),
  ),
  limit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'Events per page (1–1000)' }),
  ),
});
