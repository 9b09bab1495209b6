/** Row types of the webhook tables (migration 0015-webhooks; events/webhooks). */

export interface WebhookEndpointsTable {
  id: string;
  url: string;
  description: string;
  /** JSON array of event types or `prefix.*`; [] = every type. */
  event_types: string;
  /** JSON array of domains; [] = every domain the endpoint may see. */
  domains: string;
  /** The tenant; null = install-wide. */
  domain_id: string | null;
  /** `api_key:<id>`, `app:<client id>` or `user:<id>`. */
  created_by: string;
  enabled: number;
  disabled_reason: string | null;
  /** `whsec_<base64>` (Standard Webhooks). */
  secret: string;
  previous_secret: string | null;
  previous_expires_at: number | null;
  /** The last event log position delivered or passed over by the filters. */
  cursor: number;
  /** Failed attempts in a row (0 after a success). */
  failures: number;
  /** When the current run of failures began; null while the endpoint is healthy. */
  failing_since: number | null;
  next_attempt_at: number;
  lease_owner: string | null;
  lease_until: number | null;
  created_at: number;
  updated_at: number;
}

export interface WebhookAttemptsTable {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  position: number;
  /** 1 for the first try of this event at this endpoint. */
  attempt: number;
  at: number;
  /** 1 when the endpoint answered 2xx. */
  ok: number;
  /** The HTTP status; null when no answer came (refused, timeout, blocked address). */
  status: number | null;
  duration_ms: number;
  error: string | null;
  /** The start of the answer's body (bounded). */
  response: string | null;
}
