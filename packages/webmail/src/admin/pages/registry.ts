import { DashboardPage } from './dashboard.js';
import { DomainsPage } from './domains.js';
import type { AdminPage } from './types.js';

export type { AdminPage, PageProps } from './types.js';

const ALL = ['admin', 'domain_admin'] as const;

/**
 * The console's pages, in navigation order; the first one the role may use
 * is the landing page (/admin). Adding a page: one file in pages/, one line here.
 */
export const PAGES: AdminPage[] = [
  {
    id: 'dashboard',
    path: 'dashboard',
    titleKey: 'console.nav.dashboard',
    roles: ALL,
    component: DashboardPage,
  },
  { id: 'domains', path: 'domains', titleKey: 'console.nav.domains', roles: ALL, component: DomainsPage },
];
