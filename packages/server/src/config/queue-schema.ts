import { type Static, Type } from 'typebox';

/** Default retry schedule (seconds after each failed attempt; the last repeats). See README "Retries". */
export const DEFAULT_RETRY_SCHEDULE_SECONDS = [300, 600, 1200, 1800, 3600, 7200, 14400];

/** The outbound queue (`queue/`): retries, expiry, delay notices, the worker. */
export const QueueSchema = Type.Object(
  {
    maxAgeHours: Type.Number({
      minimum: 0.001,
      default: 120,
      description:
        'Give up on a message this long after it was queued and bounce it to the sender (default 5 days)',
    }),
    delayNoticeHours: Type.Number({
      minimum: 0,
      default: 4,
      description:
        'Tell the sender once when a message has waited this long without being delivered; 0: never',
    }),
    retryScheduleSeconds: Type.Array(Type.Number({ exclusiveMinimum: 0 }), {
      minItems: 1,
      default: DEFAULT_RETRY_SCHEDULE_SECONDS,
      description:
        'Wait before the next attempt after each failed one, in seconds (JSON array; the last value repeats until maxAgeHours); up to 10% is added at random',
    }),
    concurrency: Type.Integer({
      minimum: 1,
      maximum: 1000,
      default: 64,
      description: 'Delivery jobs (one message, one destination domain) this node works on at once',
    }),
    leaseSeconds: Type.Number({
      minimum: 1,
      default: 900,
      description:
        'How long a node holds a job it took; on PostgreSQL another node takes over a job whose lease ran out (its holder died). Longer than the slowest delivery',
    }),
    pollSeconds: Type.Number({
      exclusiveMinimum: 0,
      default: 5,
      description: 'How often an idle worker looks for jobs that became due (new mail wakes it at once)',
    }),
  },
  { default: {}, additionalProperties: false },
);

/** The message trace (`trace/`): every hop of every message, for "where is my mail?". */
export const TraceSchema = Type.Object(
  {
    retentionDays: Type.Number({
      minimum: 0.001,
      default: 30,
      description: 'Delete message trace events older than this',
    }),
  },
  { default: {}, additionalProperties: false },
);

export type QueueConfig = Static<typeof QueueSchema>;
export type TraceConfig = Static<typeof TraceSchema>;
