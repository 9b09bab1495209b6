import type { User } from '../directory/index.js';
import { ENTERPRISE_SCHEMA, USER_SCHEMA } from './catalog.js';
import { ScimError } from './errors.js';
import { iso, type ScimResource, withVersion } from './meta.js';
import { booleansFromStrings, SCIMMY } from './scimmy.js';

/** A user as SCIM shows it (RFC 7643 §4.1, and §4.3's `department`). */
export function toScimUser(
  user: User,
  groups: readonly { id: string; name: string }[],
  base: string,
): ScimResource {
  const department = user.departments[0]?.name;
  return withVersion({
    schemas: department ? [USER_SCHEMA, ENTERPRISE_SCHEMA] : [USER_SCHEMA],
    id: user.id,
    ...(user.scimExternalId ? { externalId: user.scimExternalId } : {}),
    userName: user.address,
    ...(user.displayName ? { name: { formatted: user.displayName }, displayName: user.displayName } : {}),
    active: user.enabled,
    // The address is the primary work email; aliases reach the same mailbox.
    emails: [
      { value: user.address, type: 'work', primary: true },
      ...user.aliases.map((value) => ({ value, type: 'other' })),
    ],
    ...(groups.length
      ? {
          groups: groups.map((g) => ({
            value: g.id,
            display: g.name,
            type: 'direct',
            $ref: `${base}/Groups/${g.id}`,
          })),
        }
      : {}),
    ...(department ? { [ENTERPRISE_SCHEMA]: { department } } : {}),
    meta: {
      resourceType: 'User',
      created: iso(user.createdAt),
      lastModified: iso(user.updatedAt),
      location: `${base}/Users/${user.id}`,
    },
  });
}

/** What a POST or PUT body (or a patched representation) says of the things jdmail keeps. */
export interface UserFields {
  userName: string;
  displayName: string;
  active: boolean;
  externalId: string | null;
  /** The department's name; null: none. */
  department: string | null;
}

/**
 * Reads a User body through scimmy's schema (RFC 7643 §2.2: types,
 * required `userName`; read-only attributes such as `id`, `groups`, `meta`
 * are ignored, as are attributes jdmail does not keep). The display name
 * is `displayName`, else `name.formatted`, else given and family name.
 */
export function readUserBody(body: unknown): UserFields {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new ScimError(400, 'invalidSyntax', 'the body must be a JSON object (a User)');
  const schemas = (body as { schemas?: unknown }).schemas;
  if (
    !Array.isArray(schemas) ||
    !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === USER_SCHEMA.toLowerCase())
  )
    throw new ScimError(400, 'invalidSyntax', `schemas must include ${USER_SCHEMA}`);
  const data = new SCIMMY.Schemas.User(
    booleansFromStrings(body) as Record<string, unknown>,
    'in',
  ) as unknown as Record<string, unknown>;
  return fieldsOf(data);
}

/** The kept fields of a (coerced) SCIM user representation. */
export function fieldsOf(data: Record<string, unknown>): UserFields {
  const name = (data.name ?? {}) as { formatted?: string; givenName?: string; familyName?: string };
  const joined = [name.givenName, name.familyName].filter((p) => p?.trim()).join(' ');
  const displayName = (data.displayName as string | undefined) || name.formatted || joined;
  const extension = (data[ENTERPRISE_SCHEMA] ?? {}) as { department?: string };
  const userName = data.userName;
  if (typeof userName !== 'string' || userName.trim() === '')
    throw new ScimError(400, 'invalidValue', 'userName is required');
  return {
    userName: userName.trim(),
    displayName: displayName.trim(),
    active: data.active === undefined ? true : data.active === true,
    externalId: typeof data.externalId === 'string' && data.externalId !== '' ? data.externalId : null,
    department: extension.department?.trim() || null,
  };
}
