import { DOMAIN, type Dom, manages, unrestricted, type Who } from '../model.js';
import { LIST, type Rules, SYSTEM, status } from './common.js';

/**
 * Throws unless `who` may see every audit entry: an unrestricted caller all;
 * others only entries that touched a domain they manage (never an
 * install-wide one, which names no domain).
 */
function onlyVisible(who: Who, items: { action: string; domains: string[] }[]): void {
  if (unrestricted(who)) return;
  const mine = (Object.keys(DOMAIN) as Dom[]).filter((d) => manages(who, d)).map((d) => DOMAIN[d]);
  for (const e of items)
    if (!e.domains.some((d) => mine.includes(d)))
      throw new Error(
        `listAuditLog shows ${who.name} ${e.action} on ${e.domains.join(',') || 'the install'}`,
      );
}

/** The admin console's views: the audit log and the dashboard (lists), SSO providers and directory sources (install-wide). */
export const adminRules: Rules = {
  listAuditLog: {
    scope: 'audit:read',
    ok: status(200),
    cases: [
      {
        label: 'all',
        needs: [LIST],
        request: (_w, who) => ({
          method: 'GET',
          path: '/api/v1/audit?limit=200',
          done: (res) =>
            onlyVisible(who, (res.json as { items: { action: string; domains: string[] }[] }).items),
        }),
      },
    ],
  },
  getDashboardStats: {
    scope: 'domains:read',
    ok: status(200),
    cases: [
      {
        label: 'all',
        needs: [LIST],
        request: (_w, who) => ({
          method: 'GET',
          path: '/api/v1/stats',
          done: (res) => {
            // The directory sync spans every domain: only unrestricted callers are told about it.
            const { lastSync } = res.json as { lastSync: unknown };
            if (!unrestricted(who) && lastSync !== null)
              throw new Error(`getDashboardStats shows ${who.name} a sync`);
          },
        }),
      },
    ],
  },
  listSsoProviders: {
    scope: 'directory:read',
    ok: status(200),
    cases: [
      {
        label: 'install',
        needs: [SYSTEM],
        request: () => ({ method: 'GET', path: '/api/v1/sso/providers' }),
      },
    ],
  },
  listDirectorySources: {
    scope: 'directory:read',
    ok: status(200),
    cases: [
      {
        label: 'install',
        needs: [SYSTEM],
        request: () => ({ method: 'GET', path: '/api/v1/directory/sources' }),
      },
    ],
  },
};
