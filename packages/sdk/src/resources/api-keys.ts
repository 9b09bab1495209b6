import type { HttpClient } from '../http.js';
import { type Page, Paginator } from '../paginator.js';
import type { ApiKey, ApiKeyCredentials, CreateApiKeyInput, ListApiKeysParams } from '../types.js';
import { path } from './path.js';

/** Options of {@link ApiKeys.rotate}. */
export interface RotateApiKeyOptions {
  /** How long the old key works on (default a day, at most 30 days; 0: it stops now). */
  graceSeconds?: number;
}

/**
 * `client.apiKeys`: the API keys integrations authenticate with. Needs
 * `apps:write`, and the caller must hold every scope of a key it makes,
 * rotates or revokes. A key is shown only when made; lists show its `prefix`.
 */
export class ApiKeys {
  /** @internal Made by {@link JdMail}; use `jd.<resource>`. */
  constructor(private readonly http: HttpClient) {}

  /**
   * Makes a key; the returned `key` is shown only this once.
   *
   * @example
   * const { key, apiKey } = await jd.apiKeys.create({ name: 'portal', scopes: ['mail:read'], domain: 'example.com' });
   * await secrets.put('jdmail-portal-key', key); // store it now: only its hash is kept
   */
  create(input: CreateApiKeyInput): Promise<ApiKeyCredentials> {
    return this.http.json({ method: 'POST', path: '/api-keys', body: input });
  }

  /**
   * The keys that work now (rotated ones until their `expiresAt`); await for one page or `for await` for all.
   *
   * @example
   * for await (const k of jd.apiKeys.list()) console.log(k.prefix, k.name, k.lastUsedAt ?? 'never used');
   */
  list(params: ListApiKeysParams = {}): Paginator<ApiKey> {
    return new Paginator((cursor) =>
      this.http.json<Page<ApiKey>>({
        method: 'GET',
        path: '/api-keys',
        query: { ...params, cursor: cursor ?? params.cursor },
      }),
    );
  }

  /**
   * One key's record, by its id (not by the key).
   *
   * @example
   * const { lastUsedAt, expiresAt } = await jd.apiKeys.get(id);
   */
  get(id: string): Promise<ApiKey> {
    return this.http.json({ method: 'GET', path: path`/api-keys/${id}` });
  }

  /**
   * A new key with the same name, scopes and domain; the old one works on for
   * `graceSeconds` (default a day), so every client can be given the new one first.
   *
   * @example
   * const { key } = await jd.apiKeys.rotate(id, { graceSeconds: 3600 });
   */
  rotate(id: string, options: RotateApiKeyOptions = {}): Promise<ApiKeyCredentials> {
    return this.http.json({ method: 'POST', path: path`/api-keys/${id}/rotate`, body: options });
  }

  /**
   * Stops a key at once, on every node (a leaked key: revoke it).
   *
   * @example
   * await jd.apiKeys.revoke(id);
   */
  async revoke(id: string): Promise<void> {
    await this.http.json({ method: 'DELETE', path: path`/api-keys/${id}`, idempotent: true });
  }
}
