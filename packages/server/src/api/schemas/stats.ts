import { Type } from 'typebox';
import type { DashboardStats } from '../../stats/index.js';
import { iso, Nullable, Timestamp } from './common.js';

const Count = (description: string) => Type.Integer({ minimum: 0, description });
const Status = Type.Unsafe<'ok' | 'degraded' | 'down'>({ type: 'string', enum: ['ok', 'degraded', 'down'] });

export const DashboardStatsModel = Type.Object(
  {
    mailboxes: Type.Object(
      { total: Count('Users'), enabled: Count('Users who can sign in and receive mail') },
      { additionalProperties: false },
    ),
    storage: Type.Object(
      {
        usedBytes: Count('Bytes of mail stored'),
        quotaBytes: Count('The users’ quotas added up'),
      },
      { additionalProperties: false },
    ),
    messagesToday: Type.Object(
      {
        since: Timestamp('Where "today" starts: the `since` asked for, else midnight UTC'),
        in: Count('Messages stored in mailboxes since then (one per recipient mailbox)'),
        out: Count('Outbound messages delivered to remote servers since then (one per destination domain)'),
      },
      { additionalProperties: false },
    ),
    queue: Type.Object(
      {
        queued: Count('Waiting for their first attempt'),
        sending: Count('Being delivered now'),
        deferred: Count('Waiting to be tried again'),
        failed: Count('Failed for good (and bounced) since `messagesToday.since`: they left the queue'),
      },
      {
        additionalProperties: false,
        description: 'Outbound queue entries (one message to one destination domain)',
      },
    ),
    lastSync: Nullable(
      Type.Object(
        {
          at: Timestamp('When it finished'),
          ok: Type.Boolean({ description: 'It succeeded' }),
          source: Type.String(),
          status: Type.String({ description: 'succeeded, failed or safety_stop' }),
          counts: Nullable(
            Type.Object(
              {
                create: Count('Created'),
                update: Count('Changed'),
                disable: Count('Disabled'),
                enable: Count('Enabled'),
              },
              { additionalProperties: false },
            ),
          ),
        },
        {
          additionalProperties: false,
          description:
            'The last directory sync run that finished (dry runs aside); null when none did or for a domain-scoped caller',
        },
      ),
    ),
    health: Type.Object(
      {
        status: Status,
        components: Type.Array(
          Type.Object(
            {
              name: Type.String({ description: 'database, listeners, directorySync' }),
              status: Status,
              detail: Type.Optional(Type.String()),
            },
            { additionalProperties: false },
          ),
        ),
      },
      { additionalProperties: false, description: 'The worst of the components' },
    ),
  },
  { $id: 'DashboardStats', title: 'DashboardStats', additionalProperties: false },
);

export const StatsQuery = Type.Object({
  since: Type.Optional(
    Type.String({
      format: 'date-time',
      description:
        'Where "today" starts, e.g. the viewer’s local midnight (at most 7 days ago); default midnight UTC',
    }),
  ),
});

export const toDashboardStatsJson = (s: DashboardStats) => ({
  ...s,
  messagesToday: { ...s.messagesToday, since: iso(s.messagesToday.since) },
  lastSync: s.lastSync && {
    at: iso(s.lastSync.at),
    ok: s.lastSync.ok,
    source: s.lastSync.source,
    status: s.lastSync.status,
    counts: s.lastSync.counts,
  },
});
