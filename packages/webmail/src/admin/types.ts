import type { components } from '@jdmail/sdk';

type Schemas = components['schemas'];
export type User = Schemas['User'];
export type UserPage = Schemas['UserPage'];
export type Domain = Schemas['Domain'];
export type Group = Schemas['Group'];
export type GroupTree = Schemas['GroupTree'];
export type GroupTreeNode = Schemas['GroupTreeNode'];
export type DomainDns = Schemas['DomainDns'];
export type DkimKey = Schemas['DkimKey'];

/** The roles that may use the console (a plain `user` is shown the "no rights" page). */
export type AdminRole = 'admin' | 'domain_admin';

/** Who is signed in to the console: the web session plus the user's own record (`GET /users/{me}`). */
export interface AdminSession {
  user: { address: string; displayName: string };
  role: AdminRole;
  /** The domains a domain admin administers; empty for a system admin (who has them all). */
  adminDomains: string[];
  csrfToken: string;
}

/** A page of a cursor-paged list, as every `/api/v1` list answers. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
