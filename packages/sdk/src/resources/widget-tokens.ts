import type { HttpClient } from '../http.js';
import type { WidgetToken } from '../types.js';
import { path } from './path.js';

/** Options of {@link WidgetTokens.create}. */
export interface WidgetTokenOptions {
  /** Lifetime in seconds; default and at most the server's `widget.tokenLifetimeSeconds` (900). */
  ttlSeconds?: number;
}

/**
 * `client.widgetTokens`: credentials of the `<jdmail-inbox>` widget. Mint
 * one in your portal's backend for the employee who is signed in, and put
 * it in the page: `<jdmail-inbox token="…">`. The client must be an app
 * (client credentials) holding `widget:issue` (and `sso:issue`, for
 * opening messages in webmail), with `allowedOrigins` listing the portal.
 */
export class WidgetTokens {
  /** @internal Made by {@link JdMail}; use `jd.<resource>`. */
  constructor(private readonly http: HttpClient) {}

  /**
   * A read-only, short-lived token for `user`'s inbox widget, valid from the
   * app's allowed origins only. Mint a new one when the widget fires
   * `token-expired`.
   *
   * @example
   * const { token } = await jd.widgetTokens.create('alice@example.com');
   * html = `<jdmail-inbox token="${token}"></jdmail-inbox>`;
   */
  create(user: string, options: WidgetTokenOptions = {}): Promise<WidgetToken> {
    return this.http.json({ method: 'POST', path: path`/users/${user}/widget-tokens`, body: options });
  }
}
