import { describe, expect, it } from 'vitest';
import type { LdapSourceConfig } from '../config/index.js';
import { type RawEntry, toDirectoryUser } from './entry.js';
import { allValues } from './read.js';
import { resolveSource } from './source.js';

const config = (extra: Partial<LdapSourceConfig> = {}): LdapSourceConfig => ({
  name: 'corp',
  preset: 'openldap',
  url: 'ldap://127.0.0.1',
  startTls: false,
  caFile: '',
  bindDn: '',
  bindPassword: '',
  bindPasswordFile: '',
  bindPasswordEnv: '',
  baseDn: 'dc=example,dc=com',
  userBaseDns: ['ou=people,dc=example,dc=com'],
  groupBaseDns: [],
  userFilter: '',
  groupFilter: '',
  syncGroups: true,
  attributes: {},
  domain: 'example.com',
  disableGraceSeconds: 0,
  maxDisablePercent: 10,
  pageSize: 500,
  timeoutMs: 1000,
  ...extra,
});

const raw = (dn: string, attrs: Record<string, (string | Buffer)[]>): RawEntry => ({
  dn,
  attrs: new Map(Object.entries(attrs).map(([k, v]) => [k.toLowerCase(), v])),
});

describe('toDirectoryUser', () => {
  it('maps an OpenLDAP inetOrgPerson, with departments from the OU path below the base', () => {
    const source = resolveSource(config());
    expect(source.userFilter).toBe('(objectClass=inetOrgPerson)');
    const user = toDirectoryUser(
      raw('uid=ann,ou=Platform,ou=Engineering,ou=people,dc=example,dc=com', {
        entryUUID: ['0b6c1f5e-1111-4d3a-9a8e-3f7a5f5f0001'],
        mail: ['Ann@Example.com'],
        cn: ['Ann Lee'],
        modifyTimestamp: ['20250101000000Z'],
      }),
      source,
    );
    expect(user).toEqual({
      dn: 'uid=ann,ou=Platform,ou=Engineering,ou=people,dc=example,dc=com',
      externalId: '0b6c1f5e-1111-4d3a-9a8e-3f7a5f5f0001',
      address: 'Ann@Example.com',
      aliases: [],
      displayName: 'Ann Lee',
      department: ['Engineering', 'Platform'],
      disabled: false,
      changed: '20250101000000Z',
    });
  });

  it('maps an AD user: objectGUID, userPrincipalName fallback, smtp: proxyAddresses, userAccountControl bit 2', () => {
    const source = resolveSource(config({ preset: 'ad' }));
    const entry = (uac: string) =>
      raw('CN=Bob,OU=Sales,DC=example,DC=com', {
        objectGUID: [Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex')],
        userPrincipalName: ['bob@example.com'],
        proxyAddresses: [
          'SMTP:bob@example.com',
          'smtp:robert@example.com',
          'X500:/o=Org/cn=bob',
          'sip:bob@example.com',
        ],
        displayName: ['Bob Stone'],
        department: ['Sales'],
        userAccountControl: [uac],
        whenChanged: ['20250101000000.0Z'],
      });
    expect(toDirectoryUser(entry('512'), source)).toEqual({
      dn: 'CN=Bob,OU=Sales,DC=example,DC=com',
      externalId: '03020100-0504-0706-0809-0a0b0c0d0e0f',
      address: 'bob@example.com',
      aliases: ['bob@example.com', 'robert@example.com'],
      displayName: 'Bob Stone',
      department: ['Sales'],
      disabled: false,
      changed: '20250101000000.0Z',
    });
    expect(toDirectoryUser(entry('514'), source)).toMatchObject({ disabled: true });
    expect(toDirectoryUser(entry('66050'), source)).toMatchObject({ disabled: true });
    expect(toDirectoryUser(entry('66048'), source)).toMatchObject({ disabled: false });
  });

  it('treats any other disabled attribute as "disabled when present", and reports entries without an id', () => {
    const source = resolveSource(
      config({ attributes: { disabled: 'pwdAccountLockedTime' }, departments: 'none' }),
    );
    const user = (attrs: Record<string, string[]>) =>
      toDirectoryUser(
        raw('uid=c,ou=x,ou=people,dc=example,dc=com', {
          entryUUID: ['u-1'],
          mail: ['c@example.com'],
          ...attrs,
        }),
        source,
      );
    expect(user({})).toMatchObject({ disabled: false, department: [] });
    expect(user({ pwdAccountLockedTime: ['000001010000Z'] })).toMatchObject({ disabled: true });
    expect(toDirectoryUser(raw('uid=d,dc=example,dc=com', { mail: ['d@example.com'] }), source)).toEqual({
      dn: 'uid=d,dc=example,dc=com',
      reason: 'the entry has no entryUUID',
    });
  });
});

describe('allValues (AD ranged attributes)', () => {
  it('follows member;range=… until the range ends in *', async () => {
    const reads: string[] = [];
    const first = raw('CN=Big,DC=example,DC=com', { 'member;range=0-1499': ['m0', 'm1'] });
    const members = await allValues(first, 'member', async (dn, attribute) => {
      reads.push(`${dn} ${attribute}`);
      return attribute === 'member;range=1500-*'
        ? raw(dn, { 'member;range=1500-2999': ['m2'] })
        : raw(dn, { 'member;range=3000-*': ['m3'] });
    });
    expect(members).toEqual(['m0', 'm1', 'm2', 'm3']);
    expect(reads).toEqual([
      'CN=Big,DC=example,DC=com member;range=1500-*',
      'CN=Big,DC=example,DC=com member;range=3000-*',
    ]);
  });

  it('returns a plain attribute as it is', async () => {
    const members = await allValues(raw('cn=g', { member: ['a', 'b'] }), 'member', async () => {
      throw new Error('no further read expected');
    });
    expect(members).toEqual(['a', 'b']);
  });
});
