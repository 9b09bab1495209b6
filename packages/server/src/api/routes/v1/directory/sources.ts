import { authorize, principalOf } from '../../../auth/index.js';
import { ref } from '../../../schemas/common.js';
import { DirectorySourceList, toSyncRunJson } from '../../../schemas/directory.js';
import { op, problems } from '../../op.js';
import type { V1Plugin } from '../deps.js';
import { required } from '../required.js';

/** `GET /directory/sources`: the configured LDAP/AD sources and each one's newest run. */
export const directorySourceRoutes: V1Plugin = async (app, { directorySync }) => {
  app.get(
    '/directory/sources',
    op(
      {
        operationId: 'listDirectorySources',
        tag: 'directory',
        summary: 'List directory sources',
        description:
          'The configured LDAP / Active Directory sources (`ldap.sources`) — never their bind credentials — ' +
          'with the schedule and each one’s newest run. Start a run with `POST /directory/sync`.',
        scope: 'directory:read',
        callers: 'system admins and API keys without a domain restriction (a sync spans every domain)',
      },
      { response: { 200: ref(DirectorySourceList, 'The sources'), ...problems(403) } },
    ),
    async (request) => {
      authorize(principalOf(request), 'directory:read', { kind: 'system' }, 'NOT_FOUND');
      const sync = required(directorySync, 'Directory sync');
      const items = await Promise.all(
        sync.describeSources().map(async (s) => {
          const newest = await sync.list({ source: s.name, limit: 1 });
          const run = newest.items[0];
          return {
            name: s.name,
            preset: s.preset,
            url: s.url,
            domain: s.domain,
            syncGroups: s.syncGroups,
            intervalSeconds: Math.round(s.intervalMs / 1000),
            lastRun: run ? toSyncRunJson(run) : null,
          };
        }),
      );
      return { items };
    },
  );
};
