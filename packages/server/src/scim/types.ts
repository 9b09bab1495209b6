import type { ListQuery } from './list.js';
import type { ScimResource } from './meta.js';

/** What an app credential may reach: its domain, or every domain (null). */
export interface ScimScope {
  domains: ReadonlySet<string> | null;
}

/** One request's caller and the absolute base URL of `/scim/v2` (for `meta.location`, `$ref`). */
export interface ScimContext {
  scope: ScimScope;
  base: string;
}

/** `scim.*` settings the service uses. */
export interface ScimSettings {
  /** What a SCIM DELETE of a user does: `disable` keeps the user and their mail (SCIM then answers 404), `delete` removes both. */
  deleteAction: 'disable' | 'delete';
  /** The most resources one list answers (`count` is capped to it; RFC 7644 §3.4.2.4). */
  maxResults: number;
}

/** The RFC 7644 §3.4.2 ListResponse. */
export interface ScimList {
  schemas: string[];
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
  Resources: ScimResource[];
}

/** One resource type's operations (RFC 7644 §3.3–3.6). `ifMatch` is the request's If-Match header. */
export interface ScimResources {
  list(query: ListQuery, ctx: ScimContext): Promise<ScimList>;
  get(id: string, ctx: ScimContext): Promise<ScimResource>;
  create(body: unknown, ctx: ScimContext): Promise<ScimResource>;
  replace(id: string, body: unknown, ctx: ScimContext, ifMatch?: string): Promise<ScimResource>;
  patch(id: string, body: unknown, ctx: ScimContext, ifMatch?: string): Promise<ScimResource>;
  remove(id: string, ctx: ScimContext, ifMatch?: string): Promise<void>;
}

/** The SCIM server's services, mapped onto the directory. */
export interface ScimService {
  users: ScimResources;
  groups: ScimResources;
  settings: ScimSettings;
}
