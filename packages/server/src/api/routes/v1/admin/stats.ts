import { AppError } from '../../../../shared/index.js';
import type { StatsScope } from '../../../../stats/index.js';
import { listScope, principalOf } from '../../../auth/index.js';
import { ref } from '../../../schemas/common.js';
import { DashboardStatsModel, StatsQuery, toDashboardStatsJson } from '../../../schemas/stats.js';
import { op, problems } from '../../op.js';
import type { V1Plugin } from '../deps.js';
import { required } from '../required.js';

/** The event log keeps a week by default: "today" cannot start further back than that. */
const MAX_SINCE_AGE_MS = 7 * 86_400_000;

/** `GET /stats`: the admin console's dashboard, counted within what the caller may see. */
export const statsRoutes: V1Plugin = async (app, { stats }) => {
  app.get(
    '/stats',
    op(
      {
        operationId: 'getDashboardStats',
        tag: 'admin',
        summary: 'Dashboard statistics',
        description:
          'Mailboxes, storage, messages in and out today, the outbound queue, the last directory sync and the ' +
          'server’s health — for a domain admin or a domain-restricted caller, of their domains only (the ' +
          'directory sync, which spans every domain, only for unrestricted callers).',
        scope: 'domains:read',
        callers:
          'admins and unrestricted callers: the whole install; domain admins and domain-restricted callers: their domains',
      },
      {
        querystring: StatsQuery,
        response: { 200: ref(DashboardStatsModel, 'The numbers'), ...problems(400, 403, 422) },
      },
    ),
    async (request) => {
      const service = required(stats, 'Dashboard statistics');
      const d = listScope(principalOf(request), 'domains:read');
      if (d.outcome === 'forbidden') throw new AppError(d.code);
      const scope: StatsScope = d.domains ? { domains: [...d.domains] } : { domains: 'all' };
      const now = Date.now();
      let since: number | undefined;
      if (request.query.since !== undefined) {
        since = Date.parse(request.query.since);
        if (Number.isNaN(since) || since > now || now - since > MAX_SINCE_AGE_MS)
          throw new AppError('VALIDATION_FAILED', 'since: a time within the last 7 days', {
            field: 'query.since',
          });
      }
      return toDashboardStatsJson(await service.get(scope, { since, now }));
    },
  );
};
