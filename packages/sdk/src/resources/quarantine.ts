import type { HttpClient } from '../http.js';
import { type Page, Paginator } from '../paginator.js';
import type { ListQuarantineParams, QuarantineEntry, QuarantineReleaseResult } from '../types.js';
import { path } from './path.js';

/**
 * `client.quarantine`: messages the filter held for an administrator. Needs
 * `queue:read` (`queue:write` to release, train or delete); a domain admin
 * sees only messages to their domains, and others' answer as absent (NotFoundError).
 */
export class Quarantine {
  /** @internal Made by {@link JdMail}; use `jd.<resource>`. */
  constructor(private readonly http: HttpClient) {}

  /**
   * Held messages, newest first; await for one page or `for await` for all.
   *
   * @example
   * for await (const m of jd.quarantine.list({ domain: 'example.com' })) console.log(m.id, m.sender, m.reasons);
   */
  list(params: ListQuarantineParams = {}): Paginator<QuarantineEntry> {
    return new Paginator((cursor) =>
      this.http.json<Page<QuarantineEntry>>({
        method: 'GET',
        path: '/quarantine',
        query: { ...params, cursor: cursor ?? params.cursor },
      }),
    );
  }

  /**
   * One held message.
   *
   * @example
   * const { subject, score, reasons } = await jd.quarantine.get(id);
   */
  get(id: string): Promise<QuarantineEntry> {
    return this.http.json({ method: 'GET', path: path`/quarantine/${id}` });
  }

  /**
   * Delivers a held message to its recipients' INBOX.
   *
   * @example
   * const { delivered } = await jd.quarantine.release(id);
   */
  release(id: string): Promise<QuarantineReleaseResult> {
    return this.http.json({ method: 'POST', path: path`/quarantine/${id}/release` });
  }

  /**
   * Teaches the spam filter with a held message: `spam` (then deleted) or `ham` (then released).
   *
   * @example
   * await jd.quarantine.train(id, 'ham'); // learned as ham and delivered
   */
  train(id: string, as: 'spam' | 'ham'): Promise<QuarantineReleaseResult> {
    return this.http.json({ method: 'POST', path: path`/quarantine/${id}/train`, body: { as } });
  }

  /**
   * Deletes a held message.
   *
   * @example
   * await jd.quarantine.delete(id);
   */
  async delete(id: string): Promise<void> {
    await this.http.json({ method: 'DELETE', path: path`/quarantine/${id}`, idempotent: true });
  }
}
