import type { Group, User } from '../directory/index.js';
import { GROUP_SCHEMA } from './catalog.js';
import { ScimError } from './errors.js';
import { iso, type ScimResource, withVersion } from './meta.js';
import { SCIMMY } from './scimmy.js';

/**
 * A group or department as SCIM shows it (RFC 7643 §4.2). jdmail keeps no
 * change time for groups, so `lastModified` is the creation time; the
 * version still changes with every change (see meta.ts).
 */
export function toScimGroup(
  group: Group,
  createdAt: number,
  members: readonly User[],
  base: string,
): ScimResource {
  return withVersion({
    schemas: [GROUP_SCHEMA],
    id: group.id,
    ...(group.scimExternalId ? { externalId: group.scimExternalId } : {}),
    displayName: group.name,
    ...(members.length
      ? {
          members: members.map((u) => ({
            value: u.id,
            display: u.displayName || u.address,
            type: 'User',
            $ref: `${base}/Users/${u.id}`,
          })),
        }
      : {}),
    meta: {
      resourceType: 'Group',
      created: iso(createdAt),
      lastModified: iso(createdAt),
      location: `${base}/Groups/${group.id}`,
    },
  });
}

export interface GroupFields {
  displayName: string;
  externalId: string | null;
  /** Member user ids (Groups as members are not supported). */
  members: string[];
}

/** Reads a Group body (POST, PUT) through scimmy's schema: `displayName` required, members by `value`. */
export function readGroupBody(body: unknown): GroupFields {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new ScimError(400, 'invalidSyntax', 'the body must be a JSON object (a Group)');
  const schemas = (body as { schemas?: unknown }).schemas;
  if (
    !Array.isArray(schemas) ||
    !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === GROUP_SCHEMA.toLowerCase())
  )
    throw new ScimError(400, 'invalidSyntax', `schemas must include ${GROUP_SCHEMA}`);
  const data = new SCIMMY.Schemas.Group(body as Record<string, unknown>, 'in') as unknown as Record<
    string,
    unknown
  >;
  return groupFieldsOf(data);
}

/** The kept fields of a (coerced) SCIM group representation. */
export function groupFieldsOf(data: Record<string, unknown>): GroupFields {
  const displayName = typeof data.displayName === 'string' ? data.displayName.trim() : '';
  if (!displayName) throw new ScimError(400, 'invalidValue', 'displayName is required');
  const members = (Array.isArray(data.members) ? data.members : []) as { value?: unknown; type?: unknown }[];
  for (const m of members) {
    if (typeof m.value !== 'string' || m.value === '')
      throw new ScimError(400, 'invalidValue', 'each member needs a value (a User id)');
    if (typeof m.type === 'string' && m.type.toLowerCase() === 'group')
      throw new ScimError(400, 'invalidValue', 'groups cannot be members of groups here');
  }
  return {
    displayName,
    externalId: typeof data.externalId === 'string' && data.externalId !== '' ? data.externalId : null,
    members: [...new Set(members.map((m) => m.value as string))],
  };
}
