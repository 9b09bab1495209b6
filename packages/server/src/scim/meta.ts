import { createHash } from 'node:crypto';
import { ScimError } from './errors.js';

export type ScimResource = Record<string, unknown> & { id: string; meta: ScimMeta };

export interface ScimMeta {
  resourceType: 'User' | 'Group';
  created: string;
  lastModified: string;
  location: string;
  version?: string;
}

/**
 * `meta.version` (RFC 7644 §3.14): a weak ETag of the whole representation,
 * so any change a client could see — a new member, an alias — changes it,
 * whichever API made the change. Nothing extra is stored.
 */
export function withVersion<T extends ScimResource>(resource: T): T {
  const { version: _ignored, ...meta } = resource.meta;
  const digest = createHash('sha256')
    .update(JSON.stringify({ ...resource, meta }))
    .digest('base64url')
    .slice(0, 22);
  return { ...resource, meta: { ...meta, version: `W/"${digest}"` } };
}

/**
 * RFC 7644 §3.14 / RFC 9110 §13.1.1: `If-Match` with none of the current
 * version (or `*`) fails with 412, and nothing is changed. Weak comparison:
 * our tags are weak, and clients echo them with or without `W/`.
 */
export function checkIfMatch(resource: ScimResource, ifMatch: string | undefined): void {
  if (ifMatch === undefined) return;
  const current = strip(resource.meta.version ?? '');
  const tags = ifMatch.split(',').map((t) => t.trim());
  if (tags.includes('*') || tags.some((t) => strip(t) === current)) return;
  throw new ScimError(412, null, `the resource changed: its version is now ${resource.meta.version}`);
}

/** Whether `If-None-Match` names the current version (a GET then answers 304). */
export function matchesNoneMatch(resource: ScimResource, ifNoneMatch: string | undefined): boolean {
  if (ifNoneMatch === undefined) return false;
  const current = strip(resource.meta.version ?? '');
  return ifNoneMatch.split(',').some((t) => t.trim() === '*' || strip(t.trim()) === current);
}

const strip = (tag: string) => (tag.startsWith('W/') ? tag.slice(2) : tag);

export const iso = (ms: number) => new Date(ms).toISOString();
