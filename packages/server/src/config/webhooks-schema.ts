import { type Static, Type } from 'typebox';

/** Webhooks (`events/webhooks/`): delivery of the event log to registered HTTP endpoints. */
export const WebhooksSchema = Type.Object(
  {
    allowPrivateTargets: Type.Boolean({
      default: false,
      description:
        'Allow endpoints on loopback, private, link-local and other non-public addresses (SSRF guard off; for tests and closed networks only)',
    }),
    timeoutSeconds: Type.Number({
      exclusiveMinimum: 0,
      maximum: 120,
      default: 10,
      description:
        'How long a delivery may wait to connect, for the answer, and in any pause of the answer’s body before it counts as failed',
    }),
    concurrency: Type.Integer({
      minimum: 1,
      maximum: 1000,
      default: 32,
      description:
        'Endpoints this node delivers to at once (each endpoint gets one request at a time, in order)',
    }),
    retryBaseSeconds: Type.Number({
      exclusiveMinimum: 0,
      default: 5,
      description:
        'Wait before the first retry of a failed delivery; each further failure doubles it (up to retryMaxSeconds), with jitter',
    }),
    retryMaxSeconds: Type.Number({
      exclusiveMinimum: 0,
      default: 3600,
      description: 'The longest wait between two attempts',
    }),
    retryHours: Type.Number({
      exclusiveMinimum: 0,
      default: 24,
      description:
        'Keep retrying an endpoint that fails this long; then it is disabled (its events stay in the log for re-enabling)',
    }),
    disableAfterFailures: Type.Integer({
      minimum: 0,
      default: 50,
      description:
        'Disable an endpoint earlier, after this many failed attempts in a row; 0: only retryHours disables',
    }),
    secretOverlapHours: Type.Number({
      minimum: 0,
      default: 24,
      description: 'After a secret rotation, the old secret still signs (a second signature) this long',
    }),
    attemptRetentionDays: Type.Number({
      exclusiveMinimum: 0,
      default: 7,
      description: 'Delete records of delivery attempts older than this',
    }),
    leaseSeconds: Type.Number({
      minimum: 1,
      default: 60,
      description:
        'How long a node holds an endpoint it delivers to; on PostgreSQL another node takes over an endpoint whose holder died after this. Longer than timeoutSeconds',
    }),
    pollSeconds: Type.Number({
      exclusiveMinimum: 0,
      default: 5,
      description:
        'How often an idle worker looks for due retries and other nodes’ events (new events wake it at once)',
    }),
  },
  { default: {}, additionalProperties: false },
);

export type WebhooksConfig = Static<typeof WebhooksSchema>;
