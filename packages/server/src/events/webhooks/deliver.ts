/**
 * Working one endpoint: read the log after its cursor (with its filters and
 * its tenant's scope), POST each event in order, and move the cursor only
 * past an event the endpoint accepted (2xx). The first failure ends the
 * run: the endpoint waits (backoff) and the same event is tried again, so
 * the next event never overtakes it. Progress is saved with the lease's
 * renewal, at most every {@link SAVE_EVERY_MS} (each save is a commit); a crash between two saves
 * sends the events since the last one again (at-least-once).
 */
import type { Database, WebhookEndpointsTable } from '../../store/index.js';
import type { AttemptLog } from './attempts.js';
import { afterFailure, type RetryPolicy } from './backoff.js';
import { type DeliveryState, releaseEndpoint, renewEndpoint } from './claim.js';
import { type EndpointRow, eventScopeOf, toEndpoint, typesOf } from './endpoints.js';
import type { PostResult, WebhookHttp } from './http.js';
import type { CloudEventOf, EventLog, EventRecord } from './log-contract.js';
import { signDelivery } from './secrets.js';

/** Events read from the log per query. */
const BATCH = 200;
/** Save the cursor and renew the lease at least this often while delivering. */
const SAVE_EVERY_MS = 1000;

export interface DeliverDeps {
  database: Database;
  events: EventLog;
  http: WebhookHttp;
  attempts: AttemptLog;
  toCloudEvent: CloudEventOf;
  /** The CloudEvents `source` of this install (its public URL; known once the HTTP port is bound). */
  source: string | (() => string);
  policy: RetryPolicy;
  owner: string;
  leaseMs: number;
  now: () => number;
  random?: () => number;
}

/** The secrets that sign now: the current one, and the previous one during its overlap. */
export function signingSecrets(row: WebhookEndpointsTable, now: number): string[] {
  const keep =
    row.previous_secret !== null && row.previous_expires_at !== null && Number(row.previous_expires_at) > now;
  return keep && row.previous_secret ? [row.secret, row.previous_secret] : [row.secret];
}

/** POSTs one event to the endpoint, signed, and records the attempt. */
export async function deliverEvent(
  deps: DeliverDeps,
  row: WebhookEndpointsTable,
  event: EventRecord,
  attempt: number,
  signal?: AbortSignal,
): Promise<PostResult & { attemptId: string | null }> {
  const at = deps.now();
  const body = JSON.stringify(
    deps.toCloudEvent(event, typeof deps.source === 'string' ? deps.source : deps.source()),
  );
  const headers = signDelivery(event.id, new Date(at), body, signingSecrets(row, at));
  const result = await deps.http.post(row.url, body, { ...headers }, signal);
  if (signal?.aborted) return { ...result, attemptId: null };
  const attemptId = deps.attempts.record({
    endpointId: row.id,
    eventId: event.id,
    eventType: event.type,
    position: event.position,
    attempt,
    at,
    ok: result.ok,
    status: result.status,
    durationMs: result.durationMs,
    error: result.error,
    response: result.response,
  });
  return { ...result, attemptId };
}

/**
 * Delivers what the endpoint has waiting, then gives it back: caught up,
 * waiting for a retry, or disabled. Returns when it holds it no longer.
 * `stop` ends it after the delivery in flight; `abort` cuts that short (its
 * event is sent again later).
 */
export async function workEndpoint(
  deps: DeliverDeps,
  claimed: EndpointRow,
  signals: { stop: AbortSignal; abort: AbortSignal },
): Promise<void> {
  const { stop, abort: signal } = signals;
  let row: WebhookEndpointsTable = claimed;
  const view = () => toEndpoint({ ...row, domain: claimed.domain });
  const state: DeliveryState = {
    cursor: Number(row.cursor),
    failures: Number(row.failures),
    failing_since: row.failing_since === null ? null : Number(row.failing_since),
    next_attempt_at: Number(row.next_attempt_at),
  };
  let savedAt = deps.now();
  const release = (disable?: string) => releaseEndpoint(deps.database, deps.owner, row.id, state, disable);

  while (!stop.aborted) {
    const head = await deps.events.head();
    const endpoint = view();
    const batch = await deps.events.read({
      after: state.cursor,
      types: typesOf(endpoint),
      scope: eventScopeOf(endpoint),
      limit: BATCH,
    });
    if (batch.length === 0) {
      // Nothing of this endpoint's up to `head`: every event up to it is readable, none matched.
      state.cursor = Math.max(state.cursor, head);
      return release();
    }
    for (const event of batch) {
      const result = await deliverEvent(deps, row, event, state.failures + 1, signal);
      if (signal.aborted) return release();
      if (!result.ok) return failed(result.error ?? 'failed');
      state.cursor = event.position;
      state.failures = 0;
      state.failing_since = null;
      if (deps.now() - savedAt >= SAVE_EVERY_MS) {
        savedAt = deps.now();
        const fresh = await renewEndpoint(deps.database, deps.owner, row.id, state, savedAt + deps.leaseMs);
        if (!fresh) return release();
        row = fresh;
      }
      if (stop.aborted) return release();
    }
  }
  return release();

  async function failed(error: string): Promise<void> {
    const now = deps.now();
    state.failures += 1;
    state.failing_since ??= now;
    const next = afterFailure(
      { failures: state.failures, failingSince: state.failing_since },
      now,
      deps.policy,
      error,
      deps.random,
    );
    if ('disable' in next) return release(next.disable);
    state.next_attempt_at = next.retryAt;
    return release();
  }
}
