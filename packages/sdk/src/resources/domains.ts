import type { HttpClient } from '../http.js';
import { type Page, Paginator } from '../paginator.js';
import type { Domain, ListDomainsParams } from '../types.js';
import { path } from './path.js';

/** `client.domains`: the mail domains the server serves. */
export class Domains {
  /** @internal Made by {@link JdMail}; use `jd.<resource>`. */
  constructor(private readonly http: HttpClient) {}

  /**
   * Adds a domain (needs an unrestricted key with `domains:write`).
   *
   * @example
   * await jd.domains.create('example.com');
   */
  create(name: string): Promise<Domain> {
    return this.http.json({ method: 'POST', path: '/domains', body: { name } });
  }

  /**
   * Lists the domains the key may see; await for one page or `for await` for all.
   *
   * @example
   * for await (const d of jd.domains.list()) console.log(d.name);
   */
  list(params: ListDomainsParams = {}): Paginator<Domain> {
    return new Paginator((cursor) =>
      this.http.json<Page<Domain>>({
        method: 'GET',
        path: '/domains',
        query: { ...params, cursor: cursor ?? params.cursor },
      }),
    );
  }

  /**
   * One domain, by name (an internationalized one in either form).
   *
   * @example
   * const { createdAt } = await jd.domains.get('example.com');
   */
  get(name: string): Promise<Domain> {
    return this.http.json({ method: 'GET', path: path`/domains/${name}` });
  }

  /**
   * Deletes a domain that has no users left (else a ConflictError `DOMAIN_NOT_EMPTY`).
   *
   * @example
   * await jd.domains.delete('old.example.com');
   */
  async delete(name: string): Promise<void> {
    await this.http.json({ method: 'DELETE', path: path`/domains/${name}` });
  }
}
