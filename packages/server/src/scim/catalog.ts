/**
 * The attributes jdmail serves, per resource type, as filters and
 * `attributes`/`excludedAttributes` name them (RFC 7643 §4): dotted paths,
 * lower-cased (attribute names are case-insensitive, RFC 7643 §2.1), the
 * enterprise extension's under its schema URN.
 */

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export type AttributeType = 'string' | 'boolean' | 'dateTime' | 'complex' | 'reference';

export interface AttributeInfo {
  type: AttributeType;
  /** Compared case-sensitively (RFC 7643 §2.3.1 `caseExact`); names and addresses are not. */
  caseExact?: boolean;
}

/** A resource type's attributes by lower-cased path, and the schema URNs a path may start with. */
export interface Catalog {
  core: string;
  extensions: readonly string[];
  attributes: ReadonlyMap<string, AttributeInfo>;
}

const META: [string, AttributeInfo][] = [
  ['id', { type: 'string', caseExact: true }],
  ['externalid', { type: 'string', caseExact: true }],
  ['meta', { type: 'complex' }],
  ['meta.resourcetype', { type: 'string' }],
  ['meta.created', { type: 'dateTime' }],
  ['meta.lastmodified', { type: 'dateTime' }],
  ['meta.location', { type: 'reference', caseExact: true }],
  ['meta.version', { type: 'string', caseExact: true }],
];

const MULTI = (name: string): [string, AttributeInfo][] => [
  [name, { type: 'complex' }],
  [`${name}.value`, { type: 'string' }],
  [`${name}.display`, { type: 'string' }],
  [`${name}.type`, { type: 'string' }],
  [`${name}.primary`, { type: 'boolean' }],
  [`${name}.$ref`, { type: 'reference', caseExact: true }],
];

export const USER_CATALOG: Catalog = {
  core: USER_SCHEMA,
  extensions: [ENTERPRISE_SCHEMA],
  attributes: new Map<string, AttributeInfo>([
    ...META,
    ['username', { type: 'string' }],
    ['name', { type: 'complex' }],
    ['name.formatted', { type: 'string' }],
    ['name.givenname', { type: 'string' }],
    ['name.familyname', { type: 'string' }],
    ['displayname', { type: 'string' }],
    ['active', { type: 'boolean' }],
    ...MULTI('emails'),
    ...MULTI('groups'),
    [ENTERPRISE_SCHEMA.toLowerCase(), { type: 'complex' }],
    [`${ENTERPRISE_SCHEMA.toLowerCase()}.department`, { type: 'string' }],
  ]),
};

export const GROUP_CATALOG: Catalog = {
  core: GROUP_SCHEMA,
  extensions: [],
  attributes: new Map<string, AttributeInfo>([
    ...META,
    ['displayname', { type: 'string' }],
    ...MULTI('members'),
  ]),
};

/**
 * A path as written (`name.givenName`, `urn:…:User:userName`,
 * `urn:…:enterprise:2.0:User:department`) → its catalogue key, or null when
 * the resource type has no such attribute. The core schema's URN is
 * dropped; an extension's stays as the first segment, as it is the key of
 * the extension's object in the resource.
 */
export function resolvePath(catalog: Catalog, raw: string): string | null {
  let path = raw.toLowerCase();
  const core = `${catalog.core.toLowerCase()}:`;
  if (path.startsWith(core)) path = path.slice(core.length);
  for (const ext of catalog.extensions) {
    const urn = ext.toLowerCase();
    if (path === urn) return urn;
    if (path.startsWith(`${urn}:`)) path = `${urn}.${path.slice(urn.length + 1)}`;
  }
  return catalog.attributes.has(path) ? path : null;
}
