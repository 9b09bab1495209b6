import { type Static, Type } from 'typebox';

const Str = (description: string) => Type.Optional(Type.String({ minLength: 1, description }));

/**
 * Attribute names that override the preset's. Only what differs from the
 * preset needs to be given (see `ldap/presets.ts` for both presets).
 */
export const LdapAttributesSchema = Type.Object(
  {
    externalId: Str('Stable id of an entry, followed across renames and moves (entryUUID, objectGUID; "dn")'),
    address: Str('Primary mail address (mail)'),
    aliases: Str('Other addresses (AD: proxyAddresses, smtp: values)'),
    displayName: Str('Name shown in the address book (cn, displayName)'),
    department: Str('Department name when departments come from an attribute (AD: department)'),
    disabled: Str('Attribute that marks a disabled account (AD: userAccountControl)'),
    changed: Str('Last-change time for incremental sync (modifyTimestamp, whenChanged)'),
    groupName: Str('Group name (cn)'),
    groupAddress: Str('Group distribution address (mail)'),
    groupMember: Str('Group members as DNs (member)'),
  },
  { additionalProperties: false },
);

/** One LDAP or Active Directory server that users, groups and departments are synced from. */
export const LdapSourceSchema = Type.Object(
  {
    name: Type.String({
      pattern: '^(?!scim$)[a-z0-9][a-z0-9_-]{0,31}$',
      description:
        'Short name; users synced from here carry it as their source (not `scim`: that marks users SCIM provisions)',
    }),
    preset: Type.Union([Type.Literal('openldap'), Type.Literal('ad')], {
      default: 'openldap',
      description: 'Attribute names and filters to start from: openldap or ad (Active Directory)',
    }),
    url: Type.String({ pattern: '^ldaps?://', description: 'ldap://host:389 or ldaps://host:636' }),
    startTls: Type.Boolean({ default: false, description: 'Upgrade an ldap:// connection with StartTLS' }),
    caFile: Type.String({
      default: '',
      description: 'PEM file of the CA that signed the server certificate (ldaps:// and StartTLS)',
    }),
    bindDn: Type.String({ default: '', description: 'DN of the service account that reads the directory' }),
    bindPassword: Type.String({
      default: '',
      description: 'Its password; prefer bindPasswordFile or bindPasswordEnv (never logged)',
    }),
    bindPasswordFile: Type.String({
      default: '',
      description: 'File holding the password (relative to the config file)',
    }),
    bindPasswordEnv: Type.String({
      default: '',
      pattern: '^([A-Za-z_][A-Za-z0-9_]*)?$',
      description: 'Name of an environment variable holding the password',
    }),
    baseDn: Type.String({ minLength: 1, description: 'Where users and groups are searched' }),
    userBaseDns: Type.Array(Type.String({ minLength: 1 }), {
      default: [],
      description: 'Where users are searched (default: baseDn); the OU path below it names departments',
    }),
    groupBaseDns: Type.Array(Type.String({ minLength: 1 }), {
      default: [],
      description: 'Where groups are searched (default: baseDn)',
    }),
    userFilter: Type.String({ default: '', description: "Which entries are users (default: the preset's)" }),
    groupFilter: Type.String({
      default: '',
      description: "Which entries are groups (default: the preset's)",
    }),
    syncGroups: Type.Boolean({ default: true, description: 'Sync directory groups to jdmail groups' }),
    departments: Type.Optional(
      Type.Union([Type.Literal('ou'), Type.Literal('attribute'), Type.Literal('none')], {
        description: 'Departments from the OU tree, from an attribute, or none (default: ou; ad: attribute)',
      }),
    ),
    attributes: Type.Object(LdapAttributesSchema.properties, {
      default: {},
      additionalProperties: false,
      description: "Attribute names that differ from the preset's",
    }),
    domain: Type.String({
      minLength: 1,
      description: "Mail domain that holds this source's departments and groups",
    }),
    disableGraceSeconds: Type.Integer({
      minimum: 0,
      default: 0,
      description: 'How long a user may be missing or disabled in the directory before jdmail disables them',
    }),
    maxDisablePercent: Type.Number({
      minimum: 0,
      maximum: 100,
      default: 10,
      description:
        'Safety stop: a run that would disable more than this share of synced users changes nothing',
    }),
    pageSize: Type.Integer({
      minimum: 1,
      maximum: 10_000,
      default: 500,
      description: 'Entries per page of a paged search (RFC 2696)',
    }),
    timeoutMs: Type.Integer({
      minimum: 100,
      default: 10_000,
      description: 'Connect and per-operation timeout',
    }),
  },
  { additionalProperties: false },
);

export type LdapSourceConfig = Static<typeof LdapSourceSchema>;

/** `ldap`: directory sources, the sync schedule and the bind-result cache. */
export const LdapSchema = Type.Object(
  {
    sources: Type.Array(LdapSourceSchema, {
      default: [],
      description: 'Directory sources (JSON array; see "LDAP and Active Directory")',
    }),
    syncIntervalSeconds: Type.Integer({
      minimum: 0,
      default: 900,
      description: 'Scheduled sync of every source (incremental between full runs); 0 = only on demand',
    }),
    fullSyncIntervalSeconds: Type.Integer({
      minimum: 0,
      default: 86_400,
      description:
        'A scheduled run is a full sync (finds deleted entries) when the last full one is this old',
    }),
    authCacheSeconds: Type.Integer({
      minimum: 0,
      maximum: 3600,
      default: 120,
      description: 'How long a successful directory sign-in is remembered (also while the directory is down)',
    }),
  },
  { default: {}, additionalProperties: false },
);
