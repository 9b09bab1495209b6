import type { HttpClient } from '../http.js';
import { type Page, Paginator } from '../paginator.js';
import type {
  CreateWebhookInput,
  UpdateWebhookInput,
  WebhookAttempt,
  WebhookEndpoint,
  WebhookSecret,
} from '../types.js';
import { path } from './path.js';

/**
 * `client.webhooks`: endpoints that receive the event log as signed HTTP
 * deliveries (Standard Webhooks). Needs `webhooks:write` (`webhooks:read`
 * to look); a domain-restricted caller manages only its domain's endpoints,
 * which get only that domain's events. Verify deliveries with
 * {@link verifyWebhook}.
 */
export class Webhooks {
  /** @internal Made by {@link JdMail}; use `jd.<resource>`. */
  constructor(private readonly http: HttpClient) {}

  /**
   * Registers an endpoint; resolves with it and its signing secret (shown only this once: store it).
   *
   * @example
   * const { endpoint, secret } = await jd.webhooks.create({
   *   url: 'https://oa.example.com/jdmail/events',
   *   eventTypes: ['message.new', 'user.*'],
   * });
   */
  create(input: CreateWebhookInput): Promise<WebhookSecret> {
    return this.http.json({ method: 'POST', path: '/webhooks', body: input });
  }

  /** The endpoints the caller may manage, oldest first; await for one page or `for await` for all. */
  list(params: { limit?: number; cursor?: string } = {}): Paginator<WebhookEndpoint> {
    return new Paginator((cursor) =>
      this.http.json<Page<WebhookEndpoint>>({
        method: 'GET',
        path: '/webhooks',
        query: { ...params, cursor: cursor ?? params.cursor },
      }),
    );
  }

  /** One endpoint with its delivery state (cursor, failures, why it was disabled). */
  get(id: string): Promise<WebhookEndpoint> {
    return this.http.json({ method: 'GET', path: path`/webhooks/${id}` });
  }

  /**
   * Changes the URL, description or filters, or disables it (`enabled: false`).
   *
   * @example
   * await jd.webhooks.update(id, { eventTypes: ['message.*'] });
   */
  update(id: string, patch: UpdateWebhookInput): Promise<WebhookEndpoint> {
    return this.http.json({ method: 'PATCH', path: path`/webhooks/${id}`, body: patch, idempotent: true });
  }

  /** Deletes an endpoint; deliveries stop at once. */
  async delete(id: string): Promise<void> {
    await this.http.json({ method: 'DELETE', path: path`/webhooks/${id}`, idempotent: true });
  }

  /**
   * A new signing secret; the old one keeps signing beside it for `overlapHours` (default 24).
   *
   * @example
   * const { secret } = await jd.webhooks.rotateSecret(id);
   * // verify with [secret, oldSecret] until the overlap ends
   */
  rotateSecret(id: string, options: { overlapHours?: number } = {}): Promise<WebhookSecret> {
    return this.http.json({ method: 'POST', path: path`/webhooks/${id}/rotate-secret`, body: options });
  }

  /** Enables a disabled endpoint; delivery resumes from the first event it has not accepted. */
  enable(id: string): Promise<WebhookEndpoint> {
    return this.http.json({ method: 'POST', path: path`/webhooks/${id}/enable`, idempotent: true });
  }

  /**
   * Delivery attempts, newest first: status, duration, error, the start of the answer.
   *
   * @example
   * for await (const a of jd.webhooks.attempts(id)) if (!a.ok) console.log(a.at, a.status, a.error);
   */
  attempts(id: string, params: { limit?: number; cursor?: string } = {}): Paginator<WebhookAttempt> {
    return new Paginator((cursor) =>
      this.http.json<Page<WebhookAttempt>>({
        method: 'GET',
        path: path`/webhooks/${id}/attempts`,
        query: { ...params, cursor: cursor ?? params.cursor },
      }),
    );
  }

  /** Sends a signed `webhook.test` event now and resolves with how it went. */
  test(id: string): Promise<WebhookAttempt> {
    return this.http.json({ method: 'POST', path: path`/webhooks/${id}/test` });
  }
}
