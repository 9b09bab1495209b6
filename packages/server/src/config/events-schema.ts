import { type Static, Type } from 'typebox';

/**
 * `events`: the event log (`events/`), read by `GET /api/v1/events`, the
 * SSE stream and webhooks. Every change is written in its own transaction;
 * this section only says how long the log is kept.
 */
export const EventsSchema = Type.Object(
  {
    retentionDays: Type.Integer({
      minimum: 1,
      maximum: 3650,
      default: 7,
      description:
        'Days events are kept; a consumer whose cursor is older gets 410 EVENTS_CURSOR_EXPIRED and resyncs',
    }),
  },
  { default: {}, additionalProperties: false },
);
export type EventsConfig = Static<typeof EventsSchema>;
