import { describe, expect, it } from 'vitest';
import { SCOPES, type Scope } from '../../directory/index.js';
import {
  addressBookDomains,
  addressChanges,
  canGrant,
  decide,
  decideAddress,
  listScope,
  missingScopes,
  type Target,
} from './access.js';
import type { Principal } from './principal.js';

const ALL: Scope[] = [...SCOPES];

const user = (
  address: string,
  role: 'admin' | 'domain_admin' | 'user',
  adminDomains: string[] = [],
): Principal => ({
  kind: 'user',
  id: address,
  addresses: new Set([address]),
  domain: address.split('@')[1] ?? '',
  role,
  adminDomains: new Set(adminDomains),
});
const key = (scopes: Scope[], domain: string | null = null): Principal => ({
  kind: 'api_key',
  id: 'k',
  scopes: new Set(scopes),
  domain,
});

const P = {
  admin: user('root@a.com', 'admin'),
  domainAdmin: user('boss@a.com', 'domain_admin', ['a.com']),
  user: user('alice@a.com', 'user'),
  key: key(ALL),
  keyA: key(ALL, 'a.com'),
  readKey: key(['mail:read']),
  app: { kind: 'app', id: 'jdc_x', scopes: new Set(['mail:read', 'users:read']), domain: null } as Principal,
  appA: {
    kind: 'app',
    id: 'jdc_a',
    scopes: new Set(['mail:read', 'users:write']),
    domain: 'a.com',
  } as Principal,
  dirKey: key(['directory:read']),
  dirKeyA: key(['directory:read'], 'a.com'),
  syncKey: key(['directory:read', 'directory:write']),
};
const T = {
  system: { kind: 'system' } as Target,
  domainA: { kind: 'domain', domain: 'a.com' } as Target,
  domainB: { kind: 'domain', domain: 'b.com' } as Target,
  alice: { kind: 'user', address: 'alice@a.com', domain: 'a.com' } as Target,
  bob: { kind: 'user', address: 'bob@a.com', domain: 'a.com' } as Target,
  carol: { kind: 'user', address: 'carol@b.com', domain: 'b.com' } as Target,
};

type Expect = 'allow' | 'hidden' | 'INSUFFICIENT_SCOPE' | 'FORBIDDEN';
const cases: [keyof typeof P, Scope, keyof typeof T, Expect][] = [
  // system admin: everything
  ['admin', 'domains:write', 'system', 'allow'],
  ['admin', 'users:write', 'carol', 'allow'],
  ['admin', 'mail:read', 'domainB', 'allow'],
  // domain admin: all scopes, own domains only; others' objects are 404
  ['domainAdmin', 'users:write', 'bob', 'allow'],
  ['domainAdmin', 'groups:read', 'domainA', 'allow'],
  ['domainAdmin', 'mail:read', 'carol', 'hidden'],
  ['domainAdmin', 'domains:read', 'domainB', 'hidden'],
  ['domainAdmin', 'domains:write', 'system', 'FORBIDDEN'],
  // plain user: mail on themselves and reading themselves
  ['user', 'mail:read', 'alice', 'allow'],
  ['user', 'mail:write', 'alice', 'allow'],
  ['user', 'users:read', 'alice', 'allow'],
  ['user', 'mail:read', 'bob', 'hidden'],
  ['user', 'mail:read', 'carol', 'hidden'],
  ['user', 'users:write', 'alice', 'INSUFFICIENT_SCOPE'],
  ['user', 'groups:read', 'domainA', 'INSUFFICIENT_SCOPE'],
  ['user', 'domains:read', 'domainA', 'INSUFFICIENT_SCOPE'],
  ['user', 'users:read', 'domainA', 'FORBIDDEN'],
  ['user', 'users:read', 'domainB', 'hidden'],
  // unrestricted key: by scope
  ['key', 'domains:write', 'system', 'allow'],
  ['key', 'mail:read', 'carol', 'allow'],
  ['readKey', 'mail:read', 'carol', 'allow'],
  ['readKey', 'mail:write', 'carol', 'INSUFFICIENT_SCOPE'],
  ['readKey', 'users:read', 'alice', 'INSUFFICIENT_SCOPE'],
  // domain-restricted key: its domain only
  ['keyA', 'users:write', 'bob', 'allow'],
  ['keyA', 'users:read', 'carol', 'hidden'],
  ['keyA', 'domains:read', 'domainB', 'hidden'],
  ['keyA', 'domains:write', 'system', 'FORBIDDEN'],
  // app tokens: the same rules as API keys
  ['app', 'mail:read', 'carol', 'allow'],
  ['app', 'mail:write', 'carol', 'INSUFFICIENT_SCOPE'],
  ['appA', 'mail:read', 'alice', 'allow'],
  ['appA', 'mail:read', 'carol', 'hidden'],
  ['appA', 'users:write', 'domainB', 'hidden'],
  ['appA', 'users:write', 'system', 'FORBIDDEN'],
  // directory sync (install-wide): system admins and unrestricted keys with the scope only
  ['admin', 'directory:write', 'system', 'allow'],
  ['syncKey', 'directory:write', 'system', 'allow'],
  ['syncKey', 'directory:read', 'system', 'allow'],
  ['dirKey', 'directory:write', 'system', 'INSUFFICIENT_SCOPE'],
  ['keyA', 'directory:write', 'system', 'FORBIDDEN'],
  ['dirKeyA', 'directory:read', 'system', 'FORBIDDEN'],
  ['domainAdmin', 'directory:write', 'system', 'FORBIDDEN'],
  ['domainAdmin', 'directory:read', 'system', 'FORBIDDEN'],
  ['user', 'directory:read', 'system', 'FORBIDDEN'],
  ['user', 'directory:write', 'system', 'INSUFFICIENT_SCOPE'],
];

describe('decide', () => {
  it.each(cases)('%s with %s on %s → %s', (principal, scope, target, expected) => {
    const d = decide(P[principal], scope, T[target]);
    const got = d.outcome === 'forbidden' ? d.code : d.outcome;
    expect(got).toBe(expected);
  });

  it('checks the scope before visibility, so a 403 reveals nothing about the target', () => {
    expect(decide(P.readKey, 'users:write', T.carol)).toEqual({
      outcome: 'forbidden',
      code: 'INSUFFICIENT_SCOPE',
    });
  });

  it('lets a domain admin reach their own mail outside the domains they administer', () => {
    const p = user('boss@b.com', 'domain_admin', ['a.com']);
    expect(decide(p, 'mail:read', { kind: 'user', address: 'boss@b.com', domain: 'b.com' }).outcome).toBe(
      'allow',
    );
    expect(decide(p, 'users:write', { kind: 'user', address: 'boss@b.com', domain: 'b.com' })).toEqual({
      outcome: 'forbidden',
      code: 'FORBIDDEN',
    });
  });
});

describe('listScope', () => {
  it('shows everything to admins and unrestricted keys', () => {
    expect(listScope(P.admin, 'users:read')).toEqual({ outcome: 'allow', domains: null });
    expect(listScope(P.key, 'users:read')).toEqual({ outcome: 'allow', domains: null });
  });
  it('limits domain admins and restricted keys to their domains', () => {
    expect(listScope(P.domainAdmin, 'users:read').domains).toEqual(new Set(['a.com']));
    expect(listScope(P.keyA, 'domains:read').domains).toEqual(new Set(['a.com']));
  });
  it('refuses plain users (they may read only themselves) and keys without the scope', () => {
    expect(listScope(P.user, 'users:read')).toEqual({ outcome: 'forbidden', code: 'FORBIDDEN' });
    expect(listScope(P.readKey, 'users:read')).toEqual({ outcome: 'forbidden', code: 'INSUFFICIENT_SCOPE' });
  });
});

describe('canGrant', () => {
  it.each([
    ['admin', 'admin', [], true],
    ['key', 'admin', [], true],
    ['domainAdmin', 'admin', [], false],
    ['domainAdmin', 'domain_admin', ['a.com'], true],
    ['domainAdmin', 'domain_admin', ['b.com'], false],
    ['domainAdmin', 'user', [], true],
    ['keyA', 'domain_admin', ['A.com'], true],
    ['keyA', 'domain_admin', ['b.com'], false],
    ['keyA', 'admin', [], false],
    ['user', 'user', [], false],
  ] as const)('%s granting %s over %j → %s', (principal, role, domains, expected) => {
    expect(canGrant(P[principal], role, domains)).toBe(expected);
  });
});

describe('missingScopes', () => {
  it('names the scopes a caller would hand on without holding them', () => {
    expect(missingScopes(P.readKey, ['mail:read', 'mail:write', 'apps:write'])).toEqual([
      'mail:write',
      'apps:write',
    ]);
    expect(missingScopes(P.app, ['users:read'])).toEqual([]);
    expect(missingScopes(P.domainAdmin, [...SCOPES])).toEqual([]);
    expect(missingScopes(P.user, ['mail:read', 'apps:write'])).toEqual(['apps:write']);
  });
});

describe('addressBookDomains', () => {
  const P2 = {
    ...P,
    userB: user('carol@b.com', 'user'),
    domainAdminB: user('boss@b.com', 'domain_admin', ['a.com', 'c.com']),
  };
  it.each([
    ['admin', 'all'],
    ['key', 'all'],
    ['dirKey', 'all'],
    ['keyA', ['a.com']],
    ['dirKeyA', ['a.com']],
    // plain users read their own domain's address book (webmail autocomplete) and nothing else
    ['user', ['a.com']],
    ['userB', ['b.com']],
    // domain admins: their own domain and the ones they administer
    ['domainAdmin', ['a.com']],
    ['domainAdminB', ['a.com', 'b.com', 'c.com']],
    ['readKey', 'INSUFFICIENT_SCOPE'],
    ['syncKey', 'all'],
  ] as const)('%s → %j', (principal, expected) => {
    const d = addressBookDomains(P2[principal]);
    const got =
      d.outcome === 'forbidden' ? d.code : d.outcome === 'allow' && d.domains ? [...d.domains].sort() : 'all';
    expect(got).toEqual(expected);
  });
});

describe('decideAddress: every address a write names (aliases, group addresses, members)', () => {
  const P3 = {
    ...P,
    // administers a.com, lives in c.com
    domainAdminC: user('boss@c.com', 'domain_admin', ['a.com']),
    groupsKeyA: key(['groups:write'], 'a.com'),
  };
  it.each([
    ['admin', 'users:write', 'b.com', 'allow'],
    ['key', 'users:write', 'b.com', 'allow'],
    ['domainAdmin', 'users:write', 'a.com', 'allow'],
    // another tenant's domain is hidden, existing or not: no ADDRESS_TAKEN oracle
    ['domainAdmin', 'users:write', 'b.com', 'hidden'],
    ['domainAdmin', 'groups:write', 'nowhere.test', 'hidden'],
    ['keyA', 'users:write', 'a.com', 'allow'],
    ['keyA', 'users:write', 'b.com', 'hidden'],
    ['appA', 'users:write', 'a.com', 'allow'],
    ['appA', 'users:write', 'b.com', 'hidden'],
    ['groupsKeyA', 'groups:write', 'b.com', 'hidden'],
    ['groupsKeyA', 'users:write', 'a.com', 'INSUFFICIENT_SCOPE'],
    // a domain admin's own domain that they do not administer: known, but not theirs to manage
    ['domainAdminC', 'users:write', 'c.com', 'FORBIDDEN'],
    ['domainAdminC', 'users:write', 'a.com', 'allow'],
    ['user', 'users:write', 'a.com', 'INSUFFICIENT_SCOPE'],
    ['readKey', 'users:write', 'b.com', 'INSUFFICIENT_SCOPE'],
  ] as const)('%s with %s naming an address in %s → %s', (principal, scope, domain, expected) => {
    const d = decideAddress(P3[principal], scope, domain);
    expect(d.outcome === 'forbidden' ? d.code : d.outcome).toBe(expected);
  });
});

describe('addressChanges', () => {
  it('names only what a replacing list adds and removes', () => {
    expect(addressChanges(['x@a.com', 'ceo@b.com'], ['ceo@b.com', 'y@a.com'])).toEqual({
      added: ['y@a.com'],
      removed: ['x@a.com'],
    });
    expect(addressChanges(['ceo@b.com'], ['ceo@b.com'])).toEqual({ added: [], removed: [] });
    expect(addressChanges([], ['z@a.com', 'z@a.com'])).toEqual({ added: ['z@a.com'], removed: [] });
  });
});
