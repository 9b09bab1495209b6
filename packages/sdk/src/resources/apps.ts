import type { HttpClient } from '../http.js';
import { type Page, Paginator } from '../paginator.js';
import type { App, AppCredentials, CreateAppInput, ListAppsParams, UpdateAppInput } from '../types.js';
import { path } from './path.js';

/**
 * `client.apps`: integrations registered for app tokens (OAuth 2.0 client
 * credentials). Needs `apps:write`, and the caller must hold every scope it
 * gives an app.
 */
export class Apps {
  /** @internal Made by {@link JdMail}; use `jd.<resource>`. */
  constructor(private readonly http: HttpClient) {}

  /**
   * Registers an app; the returned `clientSecret` is shown only this once.
   *
   * @example
   * const { app, clientSecret } = await jd.apps.create({ name: 'OA', scopes: ['mail:read'], domain: 'example.com' });
   */
  create(input: CreateAppInput): Promise<AppCredentials> {
    return this.http.json({ method: 'POST', path: '/apps', body: input });
  }

  /**
   * Lists the apps the caller may see; await for one page or `for await` for all.
   *
   * @example
   * for await (const a of jd.apps.list()) console.log(a.clientId, a.name, a.enabled);
   */
  list(params: ListAppsParams = {}): Paginator<App> {
    return new Paginator((cursor) =>
      this.http.json<Page<App>>({
        method: 'GET',
        path: '/apps',
        query: { ...params, cursor: cursor ?? params.cursor },
      }),
    );
  }

  /**
   * One app, by client id (never its secret).
   *
   * @example
   * const { enabled, lastUsedAt } = await jd.apps.get('jdc_…');
   */
  get(clientId: string): Promise<App> {
    return this.http.json({ method: 'GET', path: path`/apps/${clientId}` });
  }

  /**
   * Renames, disables (its tokens are refused too) or enables an app, or
   * replaces its `allowedOrigins` (the web origins its widget tokens work from).
   *
   * @example
   * await jd.apps.update('jdc_…', { enabled: false });
   * await jd.apps.update('jdc_…', { allowedOrigins: ['https://portal.example.com'] });
   */
  update(clientId: string, patch: UpdateAppInput): Promise<App> {
    return this.http.json({ method: 'PATCH', path: path`/apps/${clientId}`, body: patch });
  }

  /**
   * A new client secret; the old one, and tokens issued with it, stop working.
   *
   * @example
   * const { clientSecret } = await jd.apps.rotateSecret('jdc_…');
   */
  rotateSecret(clientId: string): Promise<AppCredentials> {
    return this.http.json({ method: 'POST', path: path`/apps/${clientId}/rotate-secret` });
  }

  /**
   * Deletes the app; its tokens are refused from then on.
   *
   * @example
   * await jd.apps.delete('jdc_…');
   */
  async delete(clientId: string): Promise<void> {
    await this.http.json({ method: 'DELETE', path: path`/apps/${clientId}` });
  }
}
