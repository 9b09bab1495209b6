import { Type } from 'typebox';
import type { DirectorySync } from '../../../../ldap/index.js';
import { AppError } from '../../../../shared/index.js';
import { authorize, principalOf } from '../../../auth/index.js';
import { Cursor, Limit, ref } from '../../../schemas/common.js';
import { SyncRequestBody, SyncRunModel, SyncRunPage, toSyncRunJson } from '../../../schemas/directory.js';
import { BODY_PROBLEMS, op, problems } from '../../op.js';
import type { V1Plugin } from '../deps.js';

const CALLERS = 'system admins and API keys without a domain restriction (a sync spans every domain)';
const SYSTEM = { kind: 'system' } as const;

function service(s: DirectorySync | undefined): DirectorySync {
  if (!s) throw new AppError('UNAVAILABLE', 'Directory sync is not available on this server');
  return s;
}

/** `/directory/sync`: start a sync job, follow it, list past runs. */
export const directorySyncRoutes: V1Plugin = async (app, { directorySync }) => {
  app.post(
    '/directory/sync',
    {
      // Every field is optional, so no body at all means "defaults" (curl -X POST, the SDK's sync()).
      preValidation: async (request) => {
        request.body ??= {};
      },
      ...op(
        {
          operationId: 'startDirectorySync',
          tag: 'directory',
          summary: 'Start a directory sync',
          description:
            'Starts a sync of a directory source (LDAP / Active Directory) as a job and answers at once with ' +
            'it (202). While a run of that source is going, answers 200 with that run instead of starting ' +
            'another. `dryRun` reports the changes without making them. A run that would disable more than ' +
            'the configured share of users changes nothing and ends as `safety_stop`, unless `force` is set.',
          scope: 'directory:write',
          callers: CALLERS,
        },
        {
          body: ref(SyncRequestBody),
          response: {
            200: ref(SyncRunModel, 'A run of this source was already going: that run'),
            202: ref(SyncRunModel, 'The new run (poll GET /directory/sync/{id})'),
            ...problems(403, 404, ...BODY_PROBLEMS),
          },
        },
      ),
    },
    async (request, reply) => {
      authorize(principalOf(request), 'directory:write', SYSTEM, 'NOT_FOUND');
      const { run, started } = await service(directorySync).start({ ...request.body, trigger: 'api' });
      if (started) reply.header('location', `/api/v1/directory/sync/${run.id}`);
      return reply.code(started ? 202 : 200).send(toSyncRunJson(run));
    },
  );

  app.get(
    '/directory/sync',
    op(
      {
        operationId: 'listDirectorySyncs',
        tag: 'directory',
        summary: 'List directory sync runs',
        description: 'Past and running runs, newest first.',
        scope: 'directory:read',
        callers: CALLERS,
      },
      {
        querystring: Type.Object({
          source: Type.Optional(
            Type.String({ minLength: 1, maxLength: 32, description: 'Only this source' }),
          ),
          limit: Type.Optional(Limit),
          cursor: Type.Optional(Cursor),
        }),
        response: { 200: ref(SyncRunPage, 'A page of runs'), ...problems(400, 403, 422) },
      },
    ),
    async (request) => {
      authorize(principalOf(request), 'directory:read', SYSTEM, 'NOT_FOUND');
      const { source, limit = 50, cursor } = request.query;
      const page = await service(directorySync).list({ source, limit, cursor });
      return { items: page.items.map(toSyncRunJson), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/directory/sync/:id',
    op(
      {
        operationId: 'getDirectorySync',
        tag: 'directory',
        summary: 'Get a directory sync run',
        description: 'Its status and progress while it runs; its report once it finished.',
        scope: 'directory:read',
        callers: CALLERS,
      },
      {
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 200: ref(SyncRunModel, 'The run'), ...problems(403, 404, 422) },
      },
    ),
    async (request) => {
      authorize(principalOf(request), 'directory:read', SYSTEM, 'SYNC_RUN_NOT_FOUND');
      return toSyncRunJson(await service(directorySync).get(request.params.id));
    },
  );
};
