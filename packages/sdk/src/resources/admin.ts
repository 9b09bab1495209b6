import type { HttpClient } from '../http.js';
import { type Page, Paginator } from '../paginator.js';
import type { AuditEntry, DashboardStats, DashboardStatsParams, ListAuditLogParams } from '../types.js';

/**
 * `client.admin`: what the admin console shows — the audit log of every
 * change made through the API, and the dashboard's numbers.
 *
 * ```ts
 * for await (const e of jd.admin.listAudit({ action: 'revokeApiKey' })) console.log(e.at, e.actor, e.target);
 * const { mailboxes, queue } = await jd.admin.stats();
 * ```
 */
export class Admin {
  /** @internal Made by {@link JdMail}; use `jd.<resource>`. */
  constructor(private readonly http: HttpClient) {}

  /**
   * Audit log entries, newest first (needs `audit:read`): who (user, key, app)
   * did which operation on what, and the HTTP status it got.
   *
   * @example
   * const { items, nextCursor } = await jd.admin.listAudit({ actor: 'root@example.com', limit: 20 });
   */
  listAudit(params: ListAuditLogParams = {}): Paginator<AuditEntry> {
    return new Paginator((cursor) =>
      this.http.json<Page<AuditEntry>>({
        method: 'GET',
        path: '/audit',
        query: { ...params, cursor: cursor ?? params.cursor },
      }),
    );
  }

  /**
   * The dashboard: mailboxes, storage, messages today, the queue, the last
   * directory sync and health — of the caller's domains for a domain admin.
   *
   * @example
   * const midnight = new Date(); midnight.setHours(0, 0, 0, 0);
   * const s = await jd.admin.stats({ since: midnight.toISOString() });
   */
  stats(params: DashboardStatsParams = {}): Promise<DashboardStats> {
    return this.http.json({ method: 'GET', path: '/stats', query: params });
  }
}
