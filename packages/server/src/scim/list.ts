import { LIST_SCHEMA } from './catalog.js';
import { ScimError } from './errors.js';
import type { ScimResource } from './meta.js';
import type { ScimList } from './types.js';

/** The query of a list (RFC 7644 §3.4.2), as received. */
export interface ListQuery {
  filter?: string;
  startIndex?: string;
  count?: string;
  attributes?: string;
  excludedAttributes?: string;
  sortBy?: string;
}

/**
 * RFC 7644 §3.4.2.4: `startIndex` is 1-based, and less than 1 means 1;
 * `count` below 0 means 0, above the server's maximum means the maximum,
 * absent means the maximum. A value that is not an integer is a 400.
 */
export function paging(query: ListQuery, maxResults: number): { startIndex: number; count: number } {
  const int = (name: string, raw: string | undefined): number | undefined => {
    if (raw === undefined || raw === '') return undefined;
    if (!/^-?\d{1,15}$/.test(raw.trim()))
      throw new ScimError(400, 'invalidValue', `${name} must be an integer`);
    return Number(raw.trim());
  };
  const start = int('startIndex', query.startIndex) ?? 1;
  const count = int('count', query.count) ?? maxResults;
  return { startIndex: Math.max(1, start), count: Math.min(Math.max(0, count), maxResults) };
}

/** The ListResponse message (RFC 7644 §3.4.2). */
export function listResponse(resources: ScimResource[], totalResults: number, startIndex: number): ScimList {
  return {
    schemas: [LIST_SCHEMA],
    totalResults,
    startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}
