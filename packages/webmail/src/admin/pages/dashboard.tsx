import { useI18n } from '../../i18n/index.js';
import { allDomains } from '../components/domain-picker.js';
import { ErrorState, Loading } from '../components/states.js';
import { useLoad } from '../components/use-list.js';
import { ApiError } from '../http.js';
import type { PageProps } from './types.js';

/** `GET /api/v1/stats` (the operations overview; scoped to a domain admin's domains by the server). */
export interface Stats {
  mailboxes: { total: number; enabled: number };
  storage: { usedBytes: number; quotaBytes: number };
  messagesToday: { in: number; out: number };
  queue: { queued: number; deferred: number; failed: number };
  lastSync: { at: string; ok: boolean; summary: string } | null;
  health: { status: string; components: Array<{ name: string; status: string }> };
}

type Overview = { stats: Stats; domains: number } | { stats: null; domains: number };

async function loadOverview(http: PageProps['http']): Promise<Overview> {
  const domains = (await allDomains(http)).length;
  try {
    return { stats: await http.get<Stats>('/stats'), domains };
  } catch (e) {
    // A server without the stats endpoint still gets a dashboard of what the API does give.
    if (e instanceof ApiError && e.status === 404) return { stats: null, domains };
    throw e;
  }
}

function Card({ id, label, value, detail }: { id: string; label: string; value: string; detail?: string }) {
  return (
    <section class="console-card" data-stat={id} aria-labelledby={`stat-${id}`}>
      <h2 id={`stat-${id}`}>{label}</h2>
      <p class="console-card__value">{value}</p>
      {detail && <p class="console-card__detail">{detail}</p>}
    </section>
  );
}

/** The overview: mailboxes, storage, today's mail, the queue, the last directory sync and health. */
export function DashboardPage({ http }: PageProps) {
  const { t, number, size, date } = useI18n();
  const overview = useLoad(() => loadOverview(http), 'dashboard');
  if (overview.error) return <ErrorState error={overview.error} onRetry={overview.reload} />;
  if (!overview.data) return <Loading />;
  const { stats, domains } = overview.data;
  if (!stats)
    return (
      <>
        <div class="console-cards">
          <Card id="domains" label={t('console.dashboard.domains')} value={number(domains)} />
        </div>
        <p class="console-state">{t('console.dashboard.noStats')}</p>
      </>
    );
  const healthy = stats.health.status === 'ok';
  return (
    <>
      <div class="console-cards">
        <Card id="domains" label={t('console.dashboard.domains')} value={number(domains)} />
        <Card
          id="mailboxes"
          label={t('console.dashboard.mailboxes')}
          value={number(stats.mailboxes.total)}
          detail={t('console.dashboard.enabled', { n: number(stats.mailboxes.enabled) })}
        />
        <Card
          id="storage"
          label={t('console.dashboard.storage')}
          value={size(stats.storage.usedBytes)}
          detail={
            stats.storage.quotaBytes
              ? t('console.dashboard.ofQuota', { quota: size(stats.storage.quotaBytes) })
              : t('console.dashboard.unlimited')
          }
        />
        <Card
          id="messages"
          label={t('console.dashboard.messagesToday')}
          value={`${number(stats.messagesToday.in)} / ${number(stats.messagesToday.out)}`}
          detail={t('console.dashboard.inOut')}
        />
        <Card
          id="queue"
          label={t('console.dashboard.queue')}
          value={number(stats.queue.queued + stats.queue.deferred)}
          detail={t('console.dashboard.queueDetail', {
            queued: number(stats.queue.queued),
            deferred: number(stats.queue.deferred),
            failed: number(stats.queue.failed),
          })}
        />
        <Card
          id="sync"
          label={t('console.dashboard.lastSync')}
          value={
            stats.lastSync
              ? stats.lastSync.ok
                ? t('console.dashboard.syncOk')
                : t('console.dashboard.syncFailed')
              : t('console.dashboard.never')
          }
          detail={stats.lastSync ? `${date(stats.lastSync.at)} · ${stats.lastSync.summary}` : undefined}
        />
      </div>
      <section class="console-panel" aria-labelledby="health-title">
        <h2 id="health-title">
          {t('console.dashboard.health')}{' '}
          <span
            class={`console-pill console-pill--${healthy ? 'ok' : 'bad'}`}
            data-health={stats.health.status}
          >
            {healthy ? t('console.dashboard.healthy') : t('console.dashboard.unhealthy')}
          </span>
        </h2>
        <ul class="console-health">
          {stats.health.components.map((c) => (
            <li key={c.name}>
              <span>{c.name}</span>
              <span class={`console-pill console-pill--${c.status === 'ok' ? 'ok' : 'bad'}`}>{c.status}</span>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
