import { type I18n, type MessageKey, useI18n } from '../../i18n/index.js';
import { allDomains } from '../components/domain-picker.js';
import { ErrorState, Loading } from '../components/states.js';
import { useLoad } from '../components/use-list.js';
import { ApiError } from '../http.js';
import type { PageProps } from './types.js';

type Health = 'ok' | 'degraded' | 'down';

/**
 * `GET /api/v1/stats` (the admin API's `DashboardStats`): the whole install
 * for a system admin, their domains for a domain admin.
 */
export interface Stats {
  mailboxes: { total: number; enabled: number };
  storage: { usedBytes: number; quotaBytes: number };
  messagesToday: { since: string; in: number; out: number };
  queue: { queued: number; sending: number; deferred: number; failed: number };
  lastSync: {
    at: string;
    ok: boolean;
    source: string;
    status: string;
    counts: { create: number; update: number; disable: number; enable: number } | null;
  } | null;
  health: { status: Health; components: Array<{ name: string; status: Health; detail?: string }> };
}

/** The viewer's local midnight: "today" as they mean it. */
function localMidnight(): string {
  const d = new Date();
  d.setHours(0, 0, 0, 0);
  return d.toISOString();
}

async function loadStats(http: PageProps['http']): Promise<Stats | null> {
  try {
    return await http.get<Stats>('/stats', { since: localMidnight() });
  } catch (e) {
    // A server without the stats endpoint still gets the part of the dashboard the API gives.
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

async function loadOverview(http: PageProps['http']) {
  const [stats, domains] = await Promise.all([loadStats(http), allDomains(http)]);
  return { stats, domains: domains.length };
}

const HEALTH: Record<Health, { key: MessageKey; tone: string }> = {
  ok: { key: 'console.dashboard.healthy', tone: 'ok' },
  degraded: { key: 'console.dashboard.degraded', tone: 'warn' },
  down: { key: 'console.dashboard.down', tone: 'bad' },
};

const COMPONENTS: Record<string, MessageKey> = {
  database: 'console.dashboard.component.database',
  listeners: 'console.dashboard.component.listeners',
  directorySync: 'console.dashboard.component.directorySync',
};

function Card({ id, label, value, detail }: { id: string; label: string; value: string; detail?: string }) {
  return (
    <section class="console-card" data-stat={id} aria-labelledby={`stat-${id}`}>
      <h2 id={`stat-${id}`}>{label}</h2>
      <p class="console-card__value">{value}</p>
      {detail && <p class="console-card__detail">{detail}</p>}
    </section>
  );
}

function syncDetail(sync: NonNullable<Stats['lastSync']>, { t, date, number }: I18n): string {
  const parts = [sync.source, date(sync.at)];
  if (sync.counts)
    parts.push(
      t('console.dashboard.syncCounts', {
        create: number(sync.counts.create),
        update: number(sync.counts.update),
        disable: number(sync.counts.disable),
      }),
    );
  return parts.join(' · ');
}

function HealthPanel({ health }: { health: Stats['health'] }) {
  const { t } = useI18n();
  const overall = HEALTH[health.status];
  return (
    <section class="console-panel" aria-labelledby="health-title">
      <h2 id="health-title">
        {t('console.dashboard.health')}{' '}
        <span class={`console-pill console-pill--${overall.tone}`} data-health={health.status}>
          {t(overall.key)}
        </span>
      </h2>
      <ul class="console-health">
        {health.components.map((c) => (
          <li key={c.name} title={c.detail}>
            <span>{COMPONENTS[c.name] ? t(COMPONENTS[c.name] as MessageKey) : c.name}</span>
            <span class={`console-pill console-pill--${HEALTH[c.status].tone}`}>
              {t(HEALTH[c.status].key)}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** 仪表盘: mailboxes, storage, today's mail, the queue, the last directory sync and health. */
export function DashboardPage({ http }: PageProps) {
  const i18n = useI18n();
  const { t, number, size } = i18n;
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
  const { queue, lastSync } = stats;
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
          value={number(queue.queued + queue.sending + queue.deferred)}
          detail={t('console.dashboard.queueDetail', {
            queued: number(queue.queued + queue.sending),
            deferred: number(queue.deferred),
            failed: number(queue.failed),
          })}
        />
        <Card
          id="sync"
          label={t('console.dashboard.lastSync')}
          value={
            lastSync
              ? lastSync.ok
                ? t('console.dashboard.syncOk')
                : t('console.dashboard.syncFailed')
              : t('console.dashboard.never')
          }
          detail={lastSync ? syncDetail(lastSync, i18n) : undefined}
        />
      </div>
      <HealthPanel health={stats.health} />
    </>
  );
}
