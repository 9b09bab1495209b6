import { type Static, Type } from 'typebox';

/**
 * `sse`: the event stream `GET /api/v1/events/stream` (events/stream). One
 * tail per node reads the log once per append and fans out in memory; these
 * bound what one client can cost.
 */
export const SseSchema = Type.Object(
  {
    heartbeatSeconds: Type.Integer({
      minimum: 1,
      maximum: 300,
      default: 15,
      description: 'A comment line is sent on every open event stream this often, so proxies keep it open',
    }),
    maxBufferedBytes: Type.Integer({
      minimum: 16_384,
      maximum: 67_108_864,
      default: 1_048_576,
      description:
        'A stream whose client has not taken this much sent data is closed (it resumes with Last-Event-ID) rather than buffered without bound',
    }),
    maxStreamsPerCredential: Type.Integer({
      minimum: 1,
      maximum: 100_000,
      default: 20,
      description: 'Open event streams per API key, app or user; one more answers 429 EVENT_STREAMS_EXCEEDED',
    }),
  },
  { default: {}, additionalProperties: false },
);
export type SseConfig = Static<typeof SseSchema>;
