/**
 * The CloudEvents 1.0 envelope (github.com/cloudevents/spec, `spec.md`) every
 * consumer gets: REST pages, SSE and webhooks all send this JSON shape
 * (the structured content mode of the HTTP binding).
 */
import { type Static, type TSchema, Type } from 'typebox';
import { EVENT_DATA, EVENT_TYPES, type EventType } from './catalogue.js';
import type { EventRecord } from './types.js';

/** Digits of the `sequence` extension: enough for any 64-bit position. */
const SEQUENCE_DIGITS = 20;

/** The envelope's attributes around a `type` and its `data` schema. */
function envelope(type: TSchema, data: TSchema) {
  return {
    specversion: Type.Literal('1.0'),
    id: Type.String({ description: 'UUID v7; the same event always has the same id (de-duplicate by it)' }),
    source: Type.String({ description: 'This server (its public URL)' }),
    type,
    time: Type.String({ format: 'date-time', description: 'When the change was committed (RFC 3339)' }),
    subject: Type.Optional(Type.String({ description: 'The address the event is about, when there is one' })),
    datacontenttype: Type.Literal('application/json'),
    data,
    sequence: Type.String({
      description:
        'The log position, zero-padded to 20 digits so that it orders as a string (the CloudEvents sequence extension); as a number it is the cursor',
    }),
  };
}

/** One envelope schema per type, so `data` is typed by `type` (a discriminated union in the SDK). */
export const CloudEventSchema = Type.Union(
  EVENT_TYPES.map((t) => Type.Object(envelope(Type.Literal(t), EVENT_DATA[t]), { title: t })),
  { description: 'A CloudEvents 1.0 event; `data` is the type’s schema' },
);

/** The envelope with `data` left open (what code that passes events on handles). */
const OpenCloudEvent = Type.Object(envelope(Type.String(), Type.Unknown()));
export type CloudEvent = Static<typeof OpenCloudEvent> & { type: EventType };

/** A log position as the `sequence` extension carries it. */
export const toSequence = (position: number): string => String(position).padStart(SEQUENCE_DIGITS, '0');

/**
 * An event of the log as a CloudEvent. `source` identifies this server
 * (its public URL); `subject` is the address the event is about, if any.
 */
export function toCloudEvent(e: EventRecord, source: string): CloudEvent {
  const out: CloudEvent = {
    specversion: '1.0',
    id: e.id,
    source,
    type: e.type,
    time: new Date(e.time).toISOString(),
    datacontenttype: 'application/json',
    data: e.data,
    sequence: toSequence(e.position),
  };
  if (e.address) out.subject = e.address;
  return out;
}
