import type { ComponentType } from 'preact';
import type { MessageKey } from '../../i18n/index.js';
import type { Http } from '../http.js';
import type { AdminRole, AdminSession } from '../types.js';

/** What every console page is given. */
export interface PageProps {
  /** JSON calls to `/api/v1` with the session (see http.ts). */
  http: Http;
  session: AdminSession;
  /** The decoded path segments after the page's own (`/admin/users/example.com` → `['example.com']`). */
  rest: string[];
  query: URLSearchParams;
  /** Moves inside the console (`consolePath(…)` builds the path). */
  navigate: (path: string, opts?: { replace?: boolean }) => void;
}

/**
 * One page of the console: adding a page is one new file under pages/ and
 * one line in registry.ts. `path` is the segment after /admin; `roles` says
 * who sees it in the navigation and may open it.
 */
export interface AdminPage {
  id: string;
  path: string;
  titleKey: MessageKey;
  roles: ReadonlyArray<AdminRole>;
  component: ComponentType<PageProps>;
}
