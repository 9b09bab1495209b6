import { readFileSync } from 'node:fs';
import { FilterParser } from 'ldapts';
import { type Config, ConfigError, type LdapSourceConfig } from '../config/index.js';
import { normalizeDomain } from '../shared/index.js';

/**
 * Attribute names the sync reads. A value may list fallbacks, `a,b`: the
 * first attribute the entry has wins (AD: `mail,userPrincipalName`). Empty
 * means "not used".
 */
export interface AttributeMap {
  externalId: string;
  address: string;
  aliases: string;
  displayName: string;
  department: string;
  disabled: string;
  changed: string;
  groupName: string;
  groupAddress: string;
  groupMember: string;
}

/** A directory source with its preset applied and its secrets loaded: what the ldap module works with. */
export interface LdapSource {
  name: string;
  preset: 'openldap' | 'ad';
  url: string;
  startTls: boolean;
  /** PEM CA certificate(s) from caFile; undefined = the system's CAs. */
  ca: Buffer | undefined;
  bindDn: string;
  bindPassword: string;
  userBaseDns: string[];
  groupBaseDns: string[];
  userFilter: string;
  groupFilter: string;
  syncGroups: boolean;
  departments: 'ou' | 'attribute' | 'none';
  attributes: AttributeMap;
  domain: string;
  disableGraceMs: number;
  maxDisablePercent: number;
  pageSize: number;
  timeoutMs: number;
}

/**
 * The two presets (issue #4): OpenLDAP's inetOrgPerson/groupOfNames and
 * Active Directory's user/group. Everything can be overridden per source.
 */
export const PRESETS: Record<
  LdapSource['preset'],
  {
    userFilter: string;
    groupFilter: string;
    departments: LdapSource['departments'];
    attributes: AttributeMap;
  }
> = {
  openldap: {
    userFilter: '(objectClass=inetOrgPerson)',
    groupFilter: '(objectClass=groupOfNames)',
    departments: 'ou',
    attributes: {
      externalId: 'entryUUID',
      address: 'mail',
      aliases: '',
      displayName: 'displayName,cn',
      department: 'departmentNumber',
      disabled: '',
      changed: 'modifyTimestamp',
      groupName: 'cn',
      groupAddress: 'mail',
      groupMember: 'member',
    },
  },
  ad: {
    // objectClass=user also matches computer accounts; they are not mail users.
    userFilter: '(&(objectClass=user)(!(objectClass=computer)))',
    groupFilter: '(objectClass=group)',
    departments: 'attribute',
    attributes: {
      externalId: 'objectGUID',
      address: 'mail,userPrincipalName',
      aliases: 'proxyAddresses',
      displayName: 'displayName,cn',
      department: 'department',
      disabled: 'userAccountControl',
      changed: 'whenChanged',
      groupName: 'cn',
      groupAddress: 'mail',
      groupMember: 'member',
    },
  },
};

/** The attribute names of a mapping value (`"mail,userPrincipalName"` → both). */
export function attributeNames(mapping: string): string[] {
  return mapping
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Applies the preset and loads the CA file (a ConfigError naming the source when it cannot be read). */
export function resolveSource(c: LdapSourceConfig): LdapSource {
  const preset = PRESETS[c.preset];
  let ca: Buffer | undefined;
  if (c.caFile) {
    try {
      ca = readFileSync(c.caFile);
    } catch (e) {
      throw new ConfigError(`ldap source ${c.name}: cannot read caFile ${c.caFile}: ${(e as Error).message}`);
    }
  }
  const userFilter = c.userFilter || preset.userFilter;
  const groupFilter = c.groupFilter || preset.groupFilter;
  for (const [setting, filter] of [
    ['userFilter', userFilter],
    ['groupFilter', groupFilter],
  ] as const) {
    try {
      FilterParser.parseString(filter);
    } catch (e) {
      throw new ConfigError(
        `ldap source ${c.name}: ${setting} is not a valid LDAP filter: ${(e as Error).message}`,
      );
    }
  }
  return {
    name: c.name,
    preset: c.preset,
    url: c.url,
    startTls: c.startTls,
    ca,
    bindDn: c.bindDn,
    bindPassword: c.bindPassword,
    userBaseDns: c.userBaseDns.length ? c.userBaseDns : [c.baseDn],
    groupBaseDns: c.groupBaseDns.length ? c.groupBaseDns : [c.baseDn],
    userFilter,
    groupFilter,
    syncGroups: c.syncGroups,
    departments: c.departments ?? preset.departments,
    attributes: { ...preset.attributes, ...c.attributes },
    domain: normalizeDomain(c.domain),
    disableGraceMs: c.disableGraceSeconds * 1000,
    maxDisablePercent: c.maxDisablePercent,
    pageSize: c.pageSize,
    timeoutMs: c.timeoutMs,
  };
}

/** Every configured source, resolved. */
export function resolveSources(config: Pick<Config, 'ldap'>): LdapSource[] {
  return config.ldap.sources.map(resolveSource);
}
