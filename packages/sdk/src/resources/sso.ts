import type { HttpClient } from '../http.js';
import type { LoginLink, Session, SsoProviderStatus } from '../types.js';
import { path } from './path.js';

/** Options of {@link Sso.createLoginLink}. */
export interface LoginLinkOptions {
  /** Webmail path to open after sign-in (`/`, `/m/<id>` …); default `/`. URLs of other sites are refused. */
  redirect?: string;
  /** Lifetime in seconds; default 60, at most 300. */
  ttlSeconds?: number;
}

/** `client.sso`: one-click sign-in for portals, and users' signed-in sessions. */
export class Sso {
  /** @internal Made by {@link JdMail}; use `jd.<resource>`. */
  constructor(private readonly http: HttpClient) {}

  /**
   * A single-use URL that opens the webmail signed in as `user` (needs the
   * `sso:issue` scope). Redirect the employee's browser to `url` right away:
   * it works once, for `ttlSeconds` (default 60).
   *
   * @example
   * const { url } = await jd.sso.createLoginLink('alice@example.com', { redirect: '/' });
   * res.writeHead(302, { location: url }).end();
   */
  createLoginLink(user: string, options: LoginLinkOptions = {}): Promise<LoginLink> {
    return this.http.json({ method: 'POST', path: '/sso/login-links', body: { user, ...options } });
  }

  /**
   * The user's live sessions, newest first.
   *
   * @example
   * const sessions = await jd.sso.listSessions('alice@example.com');
   */
  async listSessions(user: string): Promise<Session[]> {
    const { items } = await this.http.json<{ items: Session[] }>({
      method: 'GET',
      path: path`/users/${user}/sessions`,
    });
    return items;
  }

  /**
   * Ends one of the user's sessions.
   *
   * @example
   * await jd.sso.revokeSession('alice@example.com', sessions[0].id);
   */
  async revokeSession(user: string, id: string): Promise<void> {
    await this.http.json({ method: 'DELETE', path: path`/users/${user}/sessions/${id}` });
  }

  /**
   * Signs the user out everywhere.
   *
   * @example
   * await jd.sso.revokeSessions('alice@example.com'); // e.g. her laptop was stolen
   */
  async revokeSessions(user: string): Promise<void> {
    await this.http.json({ method: 'DELETE', path: path`/users/${user}/sessions` });
  }

  /**
   * The configured OIDC and CAS providers and how they are doing: reachable,
   * last sign-in, sign-ins and failures today (system admins and unrestricted keys).
   *
   * @example
   * const down = (await jd.sso.listProviders()).filter((p) => !p.reachable);
   */
  async listProviders(): Promise<SsoProviderStatus[]> {
    const { items } = await this.http.json<{ items: SsoProviderStatus[] }>({
      method: 'GET',
      path: '/sso/providers',
    });
    return items;
  }
}
