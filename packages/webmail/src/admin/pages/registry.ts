import { AdminsPage } from './admins.js';
import { AliasesPage } from './aliases.js';
import { ApiKeysPage } from './api-keys.js';
import { AppsPage } from './apps.js';
import { AuditPage } from './audit.js';
import { DashboardPage } from './dashboard.js';
import { DirectorySyncPage } from './directory-sync.js';
import { DomainsPage } from './domains.js';
import { GroupsPage } from './groups.js';
import { QuarantinePage } from './quarantine.js';
import { QueuePage } from './queue.js';
import { RulesPage } from './rules.js';
import { SsoProvidersPage } from './sso-providers.js';
import type { AdminPage } from './types.js';
import { UsersPage } from './users.js';
import { WebhooksPage } from './webhooks.js';

export type { AdminPage, PageProps } from './types.js';

const ALL = ['admin', 'domain_admin'] as const;
/** Install-wide pages (directory sources, SSO providers): the API answers only system admins. */
const SYSTEM = ['admin'] as const;

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
  { id: 'api-keys', path: 'api-keys', titleKey: 'admin.nav.apiKeys', roles: ALL, component: ApiKeysPage },
  { id: 'apps', path: 'apps', titleKey: 'admin.nav.apps', roles: ALL, component: AppsPage },
  {
    id: 'directory',
    path: 'directory',
    titleKey: 'admin.nav.directory',
    roles: SYSTEM,
    component: DirectorySyncPage,
  },
  { id: 'sso', path: 'sso', titleKey: 'admin.nav.sso', roles: SYSTEM, component: SsoProvidersPage },
  { id: 'queue', path: 'queue', titleKey: 'admin.nav.queue', roles: ALL, component: QueuePage },
  {
    id: 'quarantine',
    path: 'quarantine',
    titleKey: 'admin.nav.quarantine',
    roles: ALL,
    component: QuarantinePage,
  },
  { id: 'rules', path: 'rules', titleKey: 'admin.nav.rules', roles: ALL, component: RulesPage },
  { id: 'webhooks', path: 'webhooks', titleKey: 'admin.nav.webhooks', roles: ALL, component: WebhooksPage },
  { id: 'audit', path: 'audit', titleKey: 'admin.nav.audit', roles: ALL, component: AuditPage },
];
