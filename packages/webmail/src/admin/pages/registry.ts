import { AdminsPage } from './admins.js';
import { AliasesPage } from './aliases.js';
import { DashboardPage } from './dashboard.js';
import { DomainsPage } from './domains.js';
import { GroupsPage } from './groups.js';
import type { AdminPage } from './types.js';
import { UsersPage } from './users.js';

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
  { id: 'users', path: 'users', titleKey: 'console.nav.users', roles: ALL, component: UsersPage },
  { id: 'groups', path: 'groups', titleKey: 'console.nav.groups', roles: ALL, component: GroupsPage },
  { id: 'aliases', path: 'aliases', titleKey: 'console.nav.aliases', roles: ALL, component: AliasesPage },
  { id: 'admins', path: 'admins', titleKey: 'console.nav.admins', roles: ALL, component: AdminsPage },
];
