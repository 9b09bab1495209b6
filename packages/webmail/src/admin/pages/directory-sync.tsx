import type { components } from '@jdmail/sdk';
import { useEffect, useState } from 'preact/hooks';
import { useI18n } from '../../i18n/index.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { type Column, DataTable } from '../components/data-table.js';
import { ErrorState, Loading } from '../components/states.js';
import { useCursorList, useLoad } from '../components/use-list.js';
import { seg } from '../http.js';
import { consolePath, onConsoleLink } from '../route.js';
import type { Page } from '../types.js';
import type { PageProps } from './types.js';
import './ops.css';

type Source = components['schemas']['DirectorySource'];
type Run = components['schemas']['DirectorySyncRun'];
type Report = components['schemas']['DirectorySyncReport'];
type ReportUser = components['schemas']['DirectorySyncReportUser'];

const POLL_MS = 1000;

function StatusPill({ run }: { run: Pick<Run, 'status'> }) {
  const { t } = useI18n();
  const tone = run.status === 'succeeded' ? 'ok' : run.status === 'running' ? 'warn' : 'bad';
  return <span class={`console-pill console-pill--${tone}`}>{t(`admin.sync.status.${run.status}`)}</span>;
}

function UserList({
  title,
  users,
  detail,
}: {
  title: string;
  users: ReportUser[];
  detail: (u: ReportUser) => string;
}) {
  if (users.length === 0) return null;
  return (
    <section class="console-section">
      <h3>
        {title} ({users.length})
      </h3>
      <ul class="console-diff">
        {users.map((u) => (
          <li key={u.address}>
            <code>{u.address}</code> {detail(u)}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** What a run changed, or (dry run) would change: counts, then each user and group. */
function ReportView({ report }: { report: Report }) {
  const { t } = useI18n();
  const c = report.counts;
  const groups = [
    ...report.groups.create.map((g) => `+ ${g.name}`),
    ...report.groups.update.map((g) => `~ ${g.name}`),
    ...report.groups.delete.map((g) => `− ${g.name}`),
  ];
  return (
    <div data-report>
      {report.safetyStop && (
        <p class="console-state console-state--error" role="alert">
          {t('admin.sync.safetyStop', {
            would: report.safetyStop.wouldDisable,
            max: report.safetyStop.maxPercent,
          })}
        </p>
      )}
      <dl class="console-facts">
        <dt>{t('admin.sync.count.create')}</dt>
        <dd>{c.create}</dd>
        <dt>{t('admin.sync.count.update')}</dt>
        <dd>{c.update}</dd>
        <dt>{t('admin.sync.count.disable')}</dt>
        <dd>{c.disable}</dd>
        <dt>{t('admin.sync.count.enable')}</dt>
        <dd>{c.enable}</dd>
        <dt>{t('admin.sync.count.conflicts')}</dt>
        <dd>{c.conflicts}</dd>
        <dt>{t('admin.sync.count.groups')}</dt>
        <dd>{c.groupsCreated + c.groupsUpdated + c.groupsDeleted}</dd>
      </dl>
      <UserList
        title={t('admin.sync.count.create')}
        users={report.create}
        detail={(u) => u.displayName ?? ''}
      />
      <UserList
        title={t('admin.sync.count.update')}
        users={report.update}
        detail={(u) => (u.changes ?? []).join(', ')}
      />
      <UserList title={t('admin.sync.count.disable')} users={report.disable} detail={(u) => u.reason ?? ''} />
      <UserList title={t('admin.sync.count.enable')} users={report.enable} detail={() => ''} />
      {report.conflicts.length > 0 && (
        <section class="console-section">
          <h3>{t('admin.sync.count.conflicts')}</h3>
          <ul class="console-diff">
            {report.conflicts.map((x) => (
              <li key={x.dn}>
                <code>{x.address}</code> {x.reason}
              </li>
            ))}
          </ul>
        </section>
      )}
      {groups.length > 0 && (
        <section class="console-section">
          <h3>{t('admin.sync.count.groups')}</h3>
          <ul class="console-diff">
            {groups.map((g) => (
              <li key={g}>{g}</li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

/** One run: polled while it runs, then its report (the dry run's diff). */
function RunView({ http, id }: Pick<PageProps, 'http'> & { id: string }) {
  const { t, date } = useI18n();
  const [tick, setTick] = useState(0);
  const run = useLoad(() => http.get<Run>(`/directory/sync/${seg(id)}`), `${id}:${tick}`);
  const running = run.data?.status === 'running';
  useEffect(() => {
    if (!running) return;
    const timer = setTimeout(() => setTick((n) => n + 1), POLL_MS);
    return () => clearTimeout(timer);
  }, [running, run.data]);
  const back = consolePath('directory');
  const crumb = (
    <p class="console-breadcrumb">
      <a href={back} onClick={(e) => onConsoleLink(e, back)}>
        {t('admin.sync.title')}
      </a>
    </p>
  );
  if (run.error)
    return (
      <>
        {crumb}
        <ErrorState error={run.error} onRetry={run.reload} />
      </>
    );
  if (!run.data)
    return (
      <>
        {crumb}
        <Loading />
      </>
    );
  const r = run.data;
  return (
    <>
      {crumb}
      <h2>
        {r.dryRun
          ? t('admin.sync.previewOf', { source: r.source })
          : t('admin.sync.runOf', { source: r.source })}{' '}
        <StatusPill run={r} />
      </h2>
      <p class="console-muted">
        {t('admin.sync.startedAt', { at: date(r.startedAt) })}
        {r.status === 'running' && ` · ${t(`admin.sync.phase.${r.progress.phase}`)} ${r.progress.done}`}
      </p>
      {r.error && (
        <p class="console-state console-state--error" role="alert">
          {r.error.message}
        </p>
      )}
      {r.report && <ReportView report={r.report} />}
    </>
  );
}

/** LDAP / AD sources: each one's server and newest run, sync now, preview the changes (dry run), history. */
export function DirectorySyncPage({ http, rest, navigate }: PageProps) {
  const { t, date } = useI18n();
  const [confirming, setConfirming] = useState<Source | null>(null);
  const sources = useLoad(() => http.get<{ items: Source[] }>('/directory/sources'), 'sources');
  const history = useCursorList(
    (cursor) => http.get<Page<Run>>('/directory/sync', { limit: 20, cursor }),
    'history',
  );

  if (rest[0] === 'run' && rest[1]) return <RunView http={http} id={rest[1]} />;

  const start = async (source: string, dryRun: boolean) => {
    const run = await http.post<Run>('/directory/sync', { source, dryRun });
    navigate(consolePath('directory', ['run', run.id]));
  };
  const runLink = (r: Run) => {
    const href = consolePath('directory', ['run', r.id]);
    return (
      <a href={href} onClick={(e) => onConsoleLink(e, href)}>
        {date(r.startedAt)}
      </a>
    );
  };
  const columns: Column<Run>[] = [
    { id: 'started', header: t('admin.sync.started'), cell: runLink },
    { id: 'source', header: t('admin.sync.source'), cell: (r) => r.source },
    {
      id: 'kind',
      header: t('admin.sync.kind'),
      cell: (r) => `${t(`admin.sync.mode.${r.mode}`)}${r.dryRun ? ` · ${t('admin.sync.dryRun')}` : ''}`,
    },
    { id: 'trigger', header: t('admin.sync.trigger'), cell: (r) => t(`admin.sync.trigger.${r.trigger}`) },
    { id: 'status', header: t('admin.status'), cell: (r) => <StatusPill run={r} /> },
  ];

  return (
    <>
      <h2>{t('admin.sync.sources')}</h2>
      {sources.error ? (
        <ErrorState error={sources.error} onRetry={sources.reload} />
      ) : !sources.data ? (
        <Loading />
      ) : sources.data.items.length === 0 ? (
        <p class="console-state">{t('admin.sync.noSources')}</p>
      ) : (
        <div class="console-cards">
          {sources.data.items.map((s) => (
            <section
              key={s.name}
              class="console-panel"
              aria-labelledby={`source-${s.name}`}
              data-source={s.name}
            >
              <h3 id={`source-${s.name}`}>{s.name}</h3>
              <dl class="console-facts">
                <dt>{t('admin.sync.server')}</dt>
                <dd>
                  <code>{s.url}</code>
                </dd>
                <dt>{t('admin.sync.domain')}</dt>
                <dd>{s.domain}</dd>
                <dt>{t('admin.sync.schedule')}</dt>
                <dd>
                  {s.intervalSeconds > 0
                    ? t('admin.sync.every', { minutes: Math.round(s.intervalSeconds / 60) })
                    : t('admin.sync.manual')}
                </dd>
                <dt>{t('admin.sync.lastRun')}</dt>
                <dd>
                  {s.lastRun ? (
                    <>
                      <StatusPill run={s.lastRun} /> {runLink(s.lastRun)}
                    </>
                  ) : (
                    t('admin.never')
                  )}
                </dd>
              </dl>
              <p class="console-actions console-actions--start">
                <button type="button" class="button button--primary" onClick={() => setConfirming(s)}>
                  {t('admin.sync.now')}
                </button>
                <button type="button" class="button" onClick={() => start(s.name, true)}>
                  {t('admin.sync.preview')}
                </button>
              </p>
            </section>
          ))}
        </div>
      )}
      <h2>{t('admin.sync.history')}</h2>
      <DataTable
        caption={t('admin.sync.history')}
        columns={columns}
        list={history}
        rowKey={(r) => r.id}
        emptyText={t('admin.sync.noRuns')}
      />
      {confirming && (
        <ConfirmDialog
          title={t('admin.sync.confirmTitle', { source: confirming.name })}
          confirmLabel={t('admin.sync.now')}
          onClose={() => setConfirming(null)}
          onConfirm={() => start(confirming.name, false)}
        >
          <p>{t('admin.sync.confirmBody')}</p>
        </ConfirmDialog>
      )}
    </>
  );
}
