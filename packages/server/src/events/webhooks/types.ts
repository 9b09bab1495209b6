/** What a caller may manage: every endpoint, or those of some domains (never install-wide ones). */
export type WebhookScope = { domains: 'all' } | { domains: string[] };

/** A registered endpoint as the API shows it (never its secret). */
export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string;
  /** Event types delivered: exact names or `prefix.*`; [] = all. */
  eventTypes: string[];
  /** Domains whose events are delivered; [] = all the endpoint may see. */
  domains: string[];
  /** The tenant: only this domain's events, managed by its admins; null = install-wide. */
  domain: string | null;
  /** `api_key:<id>`, `app:<client id>` or `user:<id>`. */
  createdBy: string;
  enabled: boolean;
  /** Why it was disabled (by the delivery worker, or "disabled by …"); null while enabled. */
  disabledReason: string | null;
  /** Failed attempts in a row; 0 while healthy. */
  failures: number;
  failingSince: number | null;
  /** When the next attempt is due, while failing. */
  nextAttemptAt: number | null;
  /** The last event log position delivered (or passed over by the filters). */
  cursor: number;
  /** When the previous secret stops signing, after a rotation; null outside an overlap. */
  previousSecretExpiresAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface CreateWebhookInput {
  url: string;
  description?: string;
  eventTypes?: string[];
  domains?: string[];
  /** The tenant (see {@link WebhookEndpoint.domain}); the route decides it from the caller. */
  domain: string | null;
  createdBy: string;
}

export interface UpdateWebhookInput {
  url?: string;
  description?: string;
  eventTypes?: string[];
  domains?: string[];
  /** false disables (by whom goes in the reason); true is `enable`. */
  enabled?: boolean;
}

/** An endpoint with its secret in clear: returned only by create and rotate, once. */
export interface WebhookWithSecret {
  endpoint: WebhookEndpoint;
  secret: string;
}

/** One delivery attempt, as the admin sees it. */
export interface WebhookAttempt {
  id: string;
  eventId: string;
  eventType: string;
  /** The event's log position; 0 for a test ping. */
  position: number;
  /** 1 for the first try of this event at this endpoint. */
  attempt: number;
  at: number;
  ok: boolean;
  status: number | null;
  durationMs: number;
  error: string | null;
  response: string | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Endpoints, their attempts, and the delivery worker. */
export interface WebhookService {
  create(input: CreateWebhookInput): Promise<WebhookWithSecret>;
  list(q: { limit: number; cursor?: string }, scope: WebhookScope): Promise<Page<WebhookEndpoint>>;
  /** WEBHOOK_NOT_FOUND, also for an endpoint outside `scope`. */
  get(id: string, scope: WebhookScope): Promise<WebhookEndpoint>;
  update(id: string, patch: UpdateWebhookInput, scope: WebhookScope, by: string): Promise<WebhookEndpoint>;
  remove(id: string, scope: WebhookScope): Promise<void>;
  /** A new secret; the old one keeps signing (a second signature) for `overlapHours`. */
  rotateSecret(id: string, overlapHours: number | undefined, scope: WebhookScope): Promise<WebhookWithSecret>;
  /** Enables, clears the failure count, and makes delivery resume from the cursor at once. */
  enable(id: string, scope: WebhookScope): Promise<WebhookEndpoint>;
  attempts(
    id: string,
    q: { limit: number; cursor?: string },
    scope: WebhookScope,
  ): Promise<Page<WebhookAttempt>>;
  /** Sends a `webhook.test` ping now (also to a disabled endpoint) and returns the attempt. */
  test(id: string, scope: WebhookScope): Promise<WebhookAttempt>;
  start(): void;
  /** Delivers what is due now (tests, and `onAppend`). */
  wake(): void;
  stop(): Promise<void>;
}
