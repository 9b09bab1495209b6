/** The admin console's dashboard numbers (`GET /api/v1/stats`), counted within what the caller may see. */
export { createDashboardStats, type DashboardStatsOptions } from './dashboard.js';
export type { HealthInputs } from './health.js';
export type {
  DashboardStats,
  DashboardStatsService,
  HealthComponent,
  HealthStatus,
  LastSync,
  StatsScope,
} from './types.js';
