import type { AuditScope } from '../../../../audit/index.js';
import { AppError, normalizeDomain } from '../../../../shared/index.js';
import { listScope, type Principal, principalOf } from '../../../auth/index.js';
import { AuditPage, AuditQuery, toAuditEntryJson } from '../../../schemas/audit.js';
import { ref } from '../../../schemas/common.js';
import { op, problems } from '../../op.js';
import type { V1Plugin } from '../deps.js';
import { required } from '../required.js';

/** What `p` may read of the log: all, its domains, or (a plain user) nothing — 403. */
export function auditScope(p: Principal): AuditScope {
  const d = listScope(p, 'audit:read');
  if (d.outcome === 'forbidden') throw new AppError(d.code);
  return d.domains ? { domains: [...d.domains] } : { domains: 'all' };
}

/** An ISO 8601 time of the query as epoch ms (the schema checked its form). */
function epoch(value: string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms))
    throw new AppError('VALIDATION_FAILED', `${field}: not a time`, { field: `query.${field}` });
  return ms;
}

/** `GET /audit`: who changed what through the API, newest first. */
export const auditRoutes: V1Plugin = async (app, { audit }) => {
  app.get(
    '/audit',
    op(
      {
        operationId: 'listAuditLog',
        tag: 'admin',
        summary: 'Read the audit log',
        description:
          'Every state-changing request (POST, PUT, PATCH, DELETE) on `/api/v1` and `/scim/v2`, newest first: ' +
          'when, who (user, API key or app), the operation, the object the path names, the domains it touched, ' +
          'the HTTP status it got, the request id and the client address. Never a body, a secret or a key. A ' +
          'user’s own mail (reading, moving, sending their messages) is not recorded. Entries are written a ' +
          'moment after the answer and kept `audit.retentionDays` days.',
        scope: 'audit:read',
        callers:
          'admins and unrestricted callers see every entry; domain admins and domain-restricted callers the entries that touched their domains',
      },
      {
        querystring: AuditQuery,
        response: { 200: ref(AuditPage, 'A page of entries'), ...problems(400, 403, 422) },
      },
    ),
    async (request) => {
      const log = required(audit, 'The audit log');
      const scope = auditScope(principalOf(request));
      const { actor, action, domain, limit = 50, cursor } = request.query;
      const since = epoch(request.query.since, 'since');
      const until = epoch(request.query.until, 'until');
      const page = await log.list(
        {
          actor,
          action,
          domain: domain === undefined ? undefined : normalizeDomain(domain),
          since,
          until,
          limit,
          cursor,
        },
        scope,
      );
      return { items: page.items.map(toAuditEntryJson), nextCursor: page.nextCursor };
    },
  );
};
