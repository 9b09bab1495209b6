/** What a dashboard may count: every domain, or these. */
export type StatsScope = { domains: 'all' } | { domains: string[] };

export type HealthStatus = 'ok' | 'degraded' | 'down';

/** One part of the server and how it is. */
export interface HealthComponent {
  name: string;
  status: HealthStatus;
  /** Why, when not ok. */
  detail?: string;
}

/** The last finished directory sync run. */
export interface LastSync {
  at: number;
  ok: boolean;
  source: string;
  status: string;
  dryRun: boolean;
  counts: { create: number; update: number; disable: number; enable: number } | null;
}

/** The admin console's dashboard, counted within a scope. */
export interface DashboardStats {
  mailboxes: { total: number; enabled: number };
  storage: { usedBytes: number; quotaBytes: number };
  /** Since `since` (default midnight UTC today): messages stored in mailboxes, outbound deliveries. */
  messagesToday: { since: number; in: number; out: number };
  /** Outbound queue entries (one message to one destination domain) by state; `failed`: failed for good since `since`. */
  queue: { queued: number; sending: number; deferred: number; failed: number };
  /** Null when no sync has finished, or the scope is not install-wide (syncs span every domain). */
  lastSync: LastSync | null;
  health: { status: HealthStatus; components: HealthComponent[] };
}

export interface DashboardStatsService {
  /** `since`: where "today" starts (epoch ms; default midnight UTC), e.g. the viewer's local midnight. */
  get(scope: StatsScope, options?: { since?: number; now?: number }): Promise<DashboardStats>;
}
