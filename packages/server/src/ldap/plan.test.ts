import { describe, expect, it } from 'vitest';
import type { AddressOwner, SourceGroup, SourceUser, SyncMode } from '../directory/index.js';
import type { DirectoryGroup, DirectoryUser } from './entry.js';
import { makePlan } from './plan.js';
import { departmentKey } from './plan-groups.js';
import { REPORT_LIMIT, ReportBuilder } from './report.js';

const HOUR = 3_600_000;
const NOW = Date.UTC(2025, 0, 15, 12);

const entry = (uid: string, extra: Partial<DirectoryUser> = {}): DirectoryUser => ({
  dn: `uid=${uid},ou=people,dc=example,dc=com`,
  externalId: `ext-${uid}`,
  address: `${uid}@example.com`,
  aliases: [],
  displayName: uid.toUpperCase(),
  department: [],
  disabled: false,
  changed: '20250115110000Z',
  ...extra,
});

const held = (uid: string, extra: Partial<SourceUser> = {}): SourceUser => ({
  id: `id-${uid}`,
  address: `${uid}@example.com`,
  domain: 'example.com',
  externalId: `ext-${uid}`,
  dn: `uid=${uid},ou=people,dc=example,dc=com`,
  displayName: uid.toUpperCase(),
  enabled: true,
  syncDisabled: false,
  missingSince: null,
  aliases: [],
  ...extra,
});

interface Setup {
  users: DirectoryUser[];
  groups?: DirectoryGroup[] | null;
  current?: SourceUser[];
  currentGroups?: SourceGroup[];
  owners?: [string, AddressOwner][];
  mode?: SyncMode;
  force?: boolean;
  graceMs?: number;
  maxDisablePercent?: number;
  departments?: 'ou' | 'attribute' | 'none';
  now?: number;
}

function plan(s: Setup) {
  const current = s.current ?? [];
  // Current users hold their own addresses and aliases, as the database would say.
  const owners = new Map<string, AddressOwner>();
  for (const u of current) {
    owners.set(u.address, { kind: 'user', userId: u.id, source: 'corp' });
    for (const a of u.aliases) owners.set(a, { kind: 'alias', userId: u.id, source: 'corp' });
  }
  for (const [a, o] of s.owners ?? []) owners.set(a, o);
  let n = 0;
  return makePlan(
    {
      source: {
        name: 'corp',
        domain: 'example.com',
        disableGraceMs: s.graceMs ?? 0,
        maxDisablePercent: s.maxDisablePercent ?? 100,
        departments: s.departments ?? 'ou',
      },
      mode: s.mode ?? 'full',
      force: s.force ?? false,
      now: s.now ?? NOW,
      current,
      currentGroups: s.currentGroups ?? [],
      owners,
      localDomains: new Set(['example.com', 'example.org']),
      newId: () => `new-${++n}`,
      report: new ReportBuilder(),
    },
    { users: s.users, groups: s.groups === undefined ? [] : s.groups, unusable: [], mark: null },
  );
}

describe('users', () => {
  it('creates password-less users from valid entries in local domains and skips the rest with a reason', () => {
    const p = plan({
      users: [
        entry('ann', { aliases: ['ann.lee@example.org', 'smtp-other@elsewhere.net', 'ANN@example.com'] }),
        entry('bob', { address: null }),
        entry('cat', { address: 'cat@elsewhere.net' }),
        entry('dan', { address: 'not an address' }),
        entry('eve', { disabled: true }),
      ],
    });
    expect(p.createUsers).toEqual([
      {
        id: 'new-1',
        address: 'ann@example.com',
        domain: 'example.com',
        displayName: 'ANN',
        externalId: 'ext-ann',
        dn: 'uid=ann,ou=people,dc=example,dc=com',
        aliases: ['ann.lee@example.org'],
      },
    ]);
    expect(p.report.skipped.map((s) => s.reason)).toEqual([
      'the entry has no mail address',
      'domain elsewhere.net is not served here',
      '"not an address" is not a valid mail address',
      'disabled in the directory',
    ]);
    expect(p.events).toEqual([{ type: 'user.created', userId: 'new-1', address: 'ann@example.com' }]);
  });

  it('reports an address held by a local user, a group or another source as a conflict and never takes it', () => {
    const p = plan({
      users: [
        entry('ann'),
        entry('bob', { aliases: ['sales@example.com', 'bobby@example.com'] }),
        entry('cat'),
        entry('dup', { address: 'ann@example.com' }),
      ],
      owners: [
        ['ann@example.com', { kind: 'user', userId: 'local-ann', source: null }],
        ['sales@example.com', { kind: 'group', userId: null, source: null }],
        ['cat@example.com', { kind: 'alias', userId: 'x', source: 'other' }],
      ],
    });
    expect(p.createUsers.map((u) => [u.address, u.aliases])).toEqual([
      ['bob@example.com', ['bobby@example.com']],
    ]);
    expect(p.report.conflicts).toEqual([
      {
        address: 'ann@example.com',
        dn: 'uid=ann,ou=people,dc=example,dc=com',
        reason: 'it is the address of a local user',
      },
      {
        address: 'sales@example.com',
        dn: 'uid=bob,ou=people,dc=example,dc=com',
        reason: 'it is the address of a group',
      },
      {
        address: 'cat@example.com',
        dn: 'uid=cat,ou=people,dc=example,dc=com',
        reason: 'it is an alias of a user synced from other',
      },
      {
        address: 'ann@example.com',
        dn: 'uid=dup,ou=people,dc=example,dc=com',
        reason: 'it is the address of a local user',
      },
    ]);
  });

  it('two entries with one address: the first (by DN) gets it, the second is a conflict', () => {
    const p = plan({
      users: [
        entry('zed', { address: 'shared@example.com' }),
        entry('amy', { address: 'shared@example.com' }),
      ],
    });
    expect(p.createUsers.map((u) => u.externalId)).toEqual(['ext-amy']);
    expect(p.report.conflicts[0]?.reason).toBe(
      'it is also the address of uid=amy,ou=people,dc=example,dc=com in this directory',
    );
  });

  it('follows a renamed and moved entry by its id and names what changed', () => {
    const p = plan({
      users: [
        entry('ann', {
          dn: 'uid=ann.lee,ou=Sales,ou=people,dc=example,dc=com',
          address: 'ann.lee@example.com',
          displayName: 'Ann Lee',
          aliases: ['ann@example.com'],
          department: ['Sales'],
        }),
      ],
      current: [held('ann')],
    });
    expect(p.createUsers).toEqual([]);
    expect(p.updateUsers).toEqual([
      {
        id: 'id-ann',
        address: 'ann.lee@example.com',
        domain: 'example.com',
        displayName: 'Ann Lee',
        aliases: ['ann@example.com'],
        dn: 'uid=ann.lee,ou=Sales,ou=people,dc=example,dc=com',
      },
    ]);
    expect(p.report.update).toEqual([
      {
        address: 'ann.lee@example.com',
        dn: 'uid=ann.lee,ou=Sales,ou=people,dc=example,dc=com',
        changes: ['address', 'displayName', 'aliases', 'dn', 'department'],
      },
    ]);
    expect(p.events.map((e) => e.type)).toEqual(['user.updated']);
  });

  it('lets an address pass from one synced user to another in one run', () => {
    const p = plan({
      users: [entry('ann'), entry('bob', { aliases: ['team@example.com'] })],
      current: [held('ann', { aliases: ['team@example.com'] }), held('bob')],
    });
    expect(p.report.conflicts).toEqual([]);
    expect(p.releaseAliases).toEqual([
      { userId: 'id-ann', keep: [] },
      { userId: 'id-bob', keep: [] },
    ]);
    expect(p.updateUsers.map((u) => [u.id, u.aliases])).toEqual([
      ['id-ann', []],
      ['id-bob', ['team@example.com']],
    ]);
  });

  it('changes nothing for an entry that did not change', () => {
    const p = plan({ users: [entry('ann')], current: [held('ann')] });
    expect(p.size).toBe(0);
    expect(p.events).toEqual([]);
  });
});

describe('disabling, grace and return', () => {
  it('disables users removed or disabled in the directory (full run) and re-enables the ones it disabled', () => {
    const p = plan({
      users: [entry('ann', { disabled: true }), entry('cat'), entry('dan')],
      current: [
        held('ann'),
        held('bob'),
        held('cat', { enabled: false, syncDisabled: true, missingSince: NOW - HOUR }),
        held('dan', { enabled: false, syncDisabled: false }),
      ],
    });
    expect(p.report.disable.map((d) => [d.address, d.reason])).toEqual([
      ['ann@example.com', 'disabled in the directory'],
      ['bob@example.com', 'removed from the directory'],
    ]);
    // dan was disabled by an admin in jdmail: the sync leaves that alone.
    expect(p.report.enable.map((e) => e.address)).toEqual(['cat@example.com']);
    expect(p.updateUsers).toContainEqual({
      id: 'id-cat',
      enabled: true,
      syncDisabled: false,
      missingSince: null,
    });
    expect(p.updateUsers).toContainEqual({
      id: 'id-bob',
      enabled: false,
      syncDisabled: true,
      missingSince: NOW,
    });
    expect(p.events.map((e) => `${e.type} ${e.address}`).sort()).toEqual([
      'user.disabled ann@example.com',
      'user.disabled bob@example.com',
      'user.enabled cat@example.com',
    ]);
  });

  it('waits out the grace period, counting from when the user was first missed', () => {
    const first = plan({ users: [], current: [held('bob')], graceMs: 24 * HOUR });
    expect(first.report.disable).toEqual([]);
    expect(first.report.pendingDisable).toEqual([
      {
        address: 'bob@example.com',
        dn: 'uid=bob,ou=people,dc=example,dc=com',
        reason: 'removed from the directory',
        disableAt: NOW + 24 * HOUR,
      },
    ]);
    expect(first.updateUsers).toEqual([{ id: 'id-bob', missingSince: NOW }]);
    const later = plan({
      users: [],
      current: [held('bob', { missingSince: NOW })],
      graceMs: 24 * HOUR,
      now: NOW + 25 * HOUR,
    });
    expect(later.report.disable.map((d) => d.address)).toEqual(['bob@example.com']);
    const back = plan({
      users: [entry('bob')],
      current: [held('bob', { missingSince: NOW })],
      graceMs: 24 * HOUR,
    });
    expect(back.updateUsers).toEqual([{ id: 'id-bob', missingSince: null }]);
    expect(back.report.update).toEqual([]);
  });

  it('an incremental run never disables users it did not see', () => {
    const p = plan({ users: [entry('ann')], current: [held('ann'), held('bob')], mode: 'incremental' });
    expect(p.report.disable).toEqual([]);
    expect(p.size).toBe(0);
  });

  it('gives a re-created entry (new id, same address) the user whose entry is gone', () => {
    const p = plan({
      users: [entry('ann', { externalId: 'ext-ann-2' })],
      current: [held('ann', { enabled: false, syncDisabled: true })],
    });
    expect(p.createUsers).toEqual([]);
    expect(p.updateUsers).toEqual([
      { id: 'id-ann', externalId: 'ext-ann-2', enabled: true, syncDisabled: false, missingSince: null },
    ]);
  });
});

describe('safety stop', () => {
  const current = Array.from({ length: 10 }, (_, i) => held(`u${i}`));
  const users = current.slice(2).map((u) => entry(u.address.split('@')[0] as string));

  it('holds a run that would disable more than the allowed share and says why', () => {
    const p = plan({ users, current, maxDisablePercent: 10 });
    expect(p.stop).toBe(true);
    expect(p.report.safetyStop).toMatchObject({
      wouldDisable: 2,
      syncedUsers: 10,
      percent: 20,
      maxPercent: 10,
    });
    expect(p.report.safetyStop?.message).toMatch(/would disable 2 of 10 synced users \(20\.0%/);
    // The report still shows what would have happened.
    expect(p.report.disable).toHaveLength(2);
  });

  it('lets it through when forced or when the share is within the limit', () => {
    expect(plan({ users, current, maxDisablePercent: 10, force: true }).stop).toBe(false);
    expect(plan({ users, current, maxDisablePercent: 20 }).stop).toBe(false);
  });

  it('stops a run whose directory came back empty (a broken filter) from disabling everyone', () => {
    const p = plan({ users: [], current, maxDisablePercent: 10 });
    expect(p.stop).toBe(true);
    expect(p.report.safetyStop?.wouldDisable).toBe(10);
  });
});

describe('departments and groups', () => {
  it('builds the department tree from the OU path and puts each user in their department', () => {
    const p = plan({
      users: [
        entry('ann', { department: ['Engineering', 'Platform'] }),
        entry('bob', { department: ['Engineering'] }),
        entry('cat'),
      ],
    });
    const id = (uid: string) => p.createUsers.find((u) => u.address === `${uid}@example.com`)?.id;
    const eng = p.createGroups.find((g) => g.externalId === departmentKey(['Engineering']));
    const platform = p.createGroups.find((g) => g.externalId === departmentKey(['Engineering', 'Platform']));
    expect(p.createGroups.map((g) => g.name)).toEqual(['Engineering', 'Platform']);
    expect(eng?.parentId).toBeNull();
    expect(platform?.parentId).toBe(eng?.id);
    expect(p.addMembers).toEqual([
      { groupId: platform?.id, userId: id('ann') },
      { groupId: eng?.id, userId: id('bob') },
    ]);
  });

  it('moves a user between departments and deletes departments nobody is in any more (full run)', () => {
    const eng = departmentKey(['Engineering']);
    const sales = departmentKey(['Sales']);
    const p = plan({
      users: [entry('ann', { department: ['Sales'] })],
      current: [held('ann')],
      currentGroups: [
        {
          id: 'g-eng',
          externalId: eng,
          kind: 'department',
          name: 'Engineering',
          parentId: null,
          address: null,
          memberIds: ['id-ann'],
        },
        {
          id: 'g-local',
          externalId: 'x',
          kind: 'group',
          name: 'Local',
          parentId: null,
          address: null,
          memberIds: [],
        },
      ],
    });
    expect(p.createGroups.map((g) => g.externalId)).toEqual([sales]);
    expect(p.removeMembers).toEqual([{ groupId: 'g-eng', userId: 'id-ann' }]);
    expect(p.addMembers).toEqual([{ groupId: 'new-1', userId: 'id-ann' }]);
    expect(p.deleteGroups).toEqual(['g-eng', 'g-local']);
    expect(p.report.update[0]?.changes).toEqual(['department']);
  });

  it('syncs directory groups: members by DN, address checks, members outside the sync ignored', () => {
    const group = (cn: string, members: string[], address: string | null = null): DirectoryGroup => ({
      dn: `cn=${cn},ou=groups,dc=example,dc=com`,
      externalId: `gext-${cn}`,
      name: cn,
      address,
      memberDns: members,
      changed: null,
    });
    const p = plan({
      users: [entry('ann'), entry('bob')],
      groups: [
        group(
          'staff',
          ['UID=Ann,OU=People,DC=example,DC=com', 'uid=ghost,ou=people,dc=example,dc=com'],
          'staff@example.com',
        ),
        group('taken', [], 'ann@example.com'),
        group('foreign', [], 'x@example.org'),
      ],
    });
    expect(p.createGroups.map((g) => [g.name, g.address])).toEqual([
      ['foreign', null],
      ['staff', 'staff@example.com'],
      ['taken', null],
    ]);
    const staff = p.createGroups.find((g) => g.name === 'staff');
    const ann = p.createUsers.find((u) => u.address === 'ann@example.com');
    expect(p.addMembers).toEqual([{ groupId: staff?.id, userId: ann?.id }]);
    expect(p.report.conflicts.map((c) => c.address)).toEqual(['ann@example.com']);
    expect(p.report.skipped.map((s) => s.reason)).toEqual([
      'group address x@example.org is not in example.com; kept without one',
    ]);
  });
});

describe('report', () => {
  it('keeps exact counts but at most REPORT_LIMIT entries per list', () => {
    const users = Array.from({ length: REPORT_LIMIT + 5 }, (_, i) => entry(`u${String(i).padStart(5, '0')}`));
    const p = plan({ users, groups: null });
    expect(p.report.counts.create).toBe(REPORT_LIMIT + 5);
    expect(p.report.create).toHaveLength(REPORT_LIMIT);
    expect(p.report.truncated).toBe(true);
    expect(p.createUsers).toHaveLength(REPORT_LIMIT + 5);
  });
});
