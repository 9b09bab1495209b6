import { type Static, Type } from 'typebox';
import type { WebhookAttempt, WebhookEndpoint } from '../../events/webhooks/index.js';
import { DomainName, iso, Nullable, PageOf, Timestamp } from './common.js';

const EventTypeFilter = Type.Array(
  Type.String({
    minLength: 1,
    maxLength: 100,
    description: 'An event type (`message.new`) or a prefix (`user.*`); `*` for all',
  }),
  { maxItems: 100, description: 'Event types delivered; empty: every type' },
);
const DomainFilter = Type.Array(DomainName(), {
  maxItems: 100,
  description:
    'Deliver only events of these domains; empty: every domain the endpoint may see (its `domain`, or all for an install-wide one)',
});
const Url = Type.String({
  minLength: 1,
  maxLength: 2048,
  description:
    'Where events are POSTed: http or https, no credentials in it. Refused (`WEBHOOK_TARGET_REFUSED`) when it names or resolves to a loopback, private, link-local, multicast or unspecified address, unless `webhooks.allowPrivateTargets`; checked again at every delivery. Redirects are not followed.',
});
const Description = Type.String({ maxLength: 500, description: 'What it is for (free text)' });

export const WebhookEndpointModel = Type.Object(
  {
    id: Type.String(),
    url: Type.String(),
    description: Type.String(),
    eventTypes: Type.Array(Type.String(), { description: 'Event types or `prefix.*` delivered; empty: all' }),
    domains: Type.Array(Type.String(), {
      description: 'Domains whose events are delivered; empty: all it may see',
    }),
    domain: Nullable(
      Type.String({
        description:
          'The tenant: only this domain’s events, managed by its admins and keys; null: install-wide (system admins and unrestricted keys only)',
      }),
    ),
    createdBy: Type.String({
      description: '`api_key:<id>`, `app:<client id>` or `user:<id>`: who registered it',
    }),
    enabled: Type.Boolean(),
    disabledReason: Nullable(
      Type.String({ description: 'Why it is disabled: too many failures (and the last error), or by whom' }),
    ),
    failures: Type.Integer({ minimum: 0, description: 'Failed attempts in a row; 0 while healthy' }),
    failingSince: Nullable(Timestamp('When the current run of failures began')),
    nextAttemptAt: Nullable(Timestamp('When the failed event is tried again')),
    cursor: Type.String({
      description:
        'The last event log position delivered (decimal); the next delivery is the first event after it',
    }),
    previousSecretExpiresAt: Nullable(
      Timestamp('After a rotation: until then the previous secret also signs (a second signature)'),
    ),
    createdAt: Timestamp('When it was registered'),
    updatedAt: Timestamp('When it last changed'),
  },
  {
    $id: 'WebhookEndpoint',
    title: 'WebhookEndpoint',
    description: 'A registered webhook endpoint (never its secret)',
  },
);

export const WebhookEndpointPage = PageOf(
  WebhookEndpointModel,
  'WebhookEndpointPage',
  'A page of webhook endpoints',
);

export const WebhookSecretModel = Type.Object(
  {
    endpoint: Type.Unsafe<Static<typeof WebhookEndpointModel>>({ $ref: 'WebhookEndpoint' }),
    secret: Type.String({
      description:
        'The signing secret, `whsec_` + base64 (Standard Webhooks); shown only this once. Verify deliveries with it.',
    }),
  },
  { $id: 'WebhookSecret', title: 'WebhookSecret', description: 'An endpoint and its new signing secret' },
);

export const CreateWebhookBody = Type.Object(
  {
    url: Url,
    description: Type.Optional(Description),
    eventTypes: Type.Optional(EventTypeFilter),
    domains: Type.Optional(DomainFilter),
    domain: Type.Optional(
      Nullable(
        DomainName(
          'The tenant (see WebhookEndpoint.domain); null: install-wide (unrestricted callers only). Absent: a domain-restricted caller’s domain, a domain admin’s only domain, install-wide for an unrestricted caller',
        ),
      ),
    ),
  },
  { $id: 'CreateWebhook', title: 'CreateWebhook', additionalProperties: false },
);

export const UpdateWebhookBody = Type.Object(
  {
    url: Type.Optional(Url),
    description: Type.Optional(Description),
    eventTypes: Type.Optional(EventTypeFilter),
    domains: Type.Optional(DomainFilter),
    enabled: Type.Optional(
      Type.Boolean({
        description: 'false disables it (deliveries stop; the cursor stays); true as `enable`',
      }),
    ),
  },
  { $id: 'UpdateWebhook', title: 'UpdateWebhook', additionalProperties: false },
);

export const RotateWebhookSecretBody = Type.Object(
  {
    overlapHours: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 168,
        description:
          'How long the old secret keeps signing beside the new one (default `webhooks.secretOverlapHours`, 24); 0: at once',
      }),
    ),
  },
  { $id: 'RotateWebhookSecret', title: 'RotateWebhookSecret', additionalProperties: false },
);

export const WebhookAttemptModel = Type.Object(
  {
    id: Type.String(),
    eventId: Type.String({ description: 'The event’s id: the `webhook-id` header' }),
    eventType: Type.String(),
    position: Type.String({ description: 'The event’s log position (decimal); "0" for a test ping' }),
    attempt: Type.Integer({ minimum: 1, description: '1 for the first try of this event at this endpoint' }),
    at: Timestamp('When it was sent'),
    ok: Type.Boolean({ description: 'The endpoint answered 2xx' }),
    status: Nullable(Type.Integer({ description: 'The HTTP status; null when no answer came' })),
    durationMs: Type.Integer({ minimum: 0 }),
    error: Nullable(
      Type.String({ description: 'Why it failed: the status, a timeout, a refused connection or address' }),
    ),
    response: Nullable(Type.String({ description: 'The start of the answer’s body (at most 1 KiB)' })),
  },
  { $id: 'WebhookAttempt', title: 'WebhookAttempt', description: 'One delivery attempt' },
);

export const WebhookAttemptPage = PageOf(
  WebhookAttemptModel,
  'WebhookAttemptPage',
  'Delivery attempts, newest first',
);

export const WebhookParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64, description: 'The endpoint’s id' }),
});

export const WEBHOOK_MODELS = [
  WebhookEndpointModel,
  WebhookEndpointPage,
  WebhookSecretModel,
  CreateWebhookBody,
  UpdateWebhookBody,
  RotateWebhookSecretBody,
  WebhookAttemptModel,
  WebhookAttemptPage,
];

const isoOrNull = (t: number | null) => (t === null ? null : iso(t));

export const toWebhookJson = (e: WebhookEndpoint): Static<typeof WebhookEndpointModel> => ({
  ...e,
  failingSince: isoOrNull(e.failingSince),
  nextAttemptAt: isoOrNull(e.nextAttemptAt),
  cursor: String(e.cursor),
  previousSecretExpiresAt: isoOrNull(e.previousSecretExpiresAt),
  createdAt: iso(e.createdAt),
  updatedAt: iso(e.updatedAt),
});

export const toAttemptJson = (a: WebhookAttempt): Static<typeof WebhookAttemptModel> => ({
  ...a,
  position: String(a.position),
  at: iso(a.at),
});
