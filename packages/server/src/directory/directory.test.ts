import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../test/harness/databases.js';
import { type Database, insertDefaultMailboxes, openDatabase } from '../store/index.js';
import { createDirectory, type Directory, parseScopes, SCOPES } from './index.js';

const databases = useDatabases();

describe.each(databases.engines)('directory on %s', (engine) => {
  let database: Database;
  let dir: Directory;
  const released: string[][] = [];

  beforeEach(async () => {
    const t = await databases.fresh(engine);
    database = await openDatabase(t);
    dir = createDirectory({
      db: database.db,
      prepareRead: database.prepareRead,
      // Long enough never to expire here: every test that writes and then resolves checks that the write emptied it.
      recipientCacheMs: 60_000,
      defaultQuotaBytes: 1000,
      createMailboxes: (trx, id) => insertDefaultMailboxes(trx, id),
      releaseBlobs: async (ids) => {
        released.push(ids);
      },
    });
    await dir.createDomain('Example.COM');
    await dir.createDomain('other.org');
  });
  afterEach(() => database.close());

  it('creates, validates and lists domains', async () => {
    await expect(dir.createDomain('example.com')).rejects.toMatchObject({ code: 'DOMAIN_EXISTS' });
    await expect(dir.createDomain('not a domain')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await dir.isLocalDomain('EXAMPLE.com')).toBe(true);
    expect(await dir.isLocalDomain('nope.com')).toBe(false);
    const page = await dir.listDomains({ limit: 1 });
    expect(page.items.map((d) => d.name)).toEqual(['example.com']);
    const next = await dir.listDomains({ limit: 1, cursor: page.nextCursor ?? '' });
    expect(next.items.map((d) => d.name)).toEqual(['other.org']);
    expect(next.nextCursor).toBeNull();
    expect((await dir.listDomains({ limit: 10, visibleDomains: new Set(['other.org']) })).items).toHaveLength(
      1,
    );
  });

  it('creates users with mailboxes, checks passwords and refuses duplicates', async () => {
    const u = await dir.createUser({
      address: 'Alice@Example.com',
      password: 'correct horse',
      displayName: 'Alice',
    });
    expect(u).toMatchObject({
      address: 'alice@example.com',
      domain: 'example.com',
      enabled: true,
      role: 'user',
      quotaBytes: 1000,
      hasPassword: true,
    });
    const boxes = await database.db
      .selectFrom('mailboxes')
      .select('name')
      .where('user_id', '=', u.id)
      .orderBy('name')
      .execute();
    expect(boxes.map((b) => b.name)).toEqual(['Drafts', 'INBOX', 'Junk', 'Sent', 'Trash']);
    expect((await dir.authenticate('alice@example.com', 'correct horse'))?.id).toBe(u.id);
    expect(await dir.authenticate('alice@example.com', 'wrong horse')).toBeNull();
    expect(await dir.authenticate('nobody@example.com', 'correct horse')).toBeNull();
    await expect(dir.createUser({ address: 'alice@example.com' })).rejects.toMatchObject({
      code: 'ADDRESS_TAKEN',
    });
    await expect(dir.createUser({ address: 'bob@unknown.net' })).rejects.toMatchObject({
      code: 'DOMAIN_NOT_FOUND',
    });
    await expect(dir.createUser({ address: 'bad address@example.com' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(dir.createUser({ address: 'short@example.com', password: 'x' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });

  it('disables users without losing them and refuses their login and mail', async () => {
    await dir.createUser({ address: 'carol@example.com', password: 'password123' });
    await dir.updateUser('carol@example.com', { enabled: false });
    expect(await dir.authenticate('carol@example.com', 'password123')).toBeNull();
    expect(await dir.resolveRecipient('carol@example.com')).toMatchObject({ users: [], disabled: true });
    await dir.updateUser('carol@example.com', { enabled: true });
    expect((await dir.resolveRecipient('carol@example.com'))?.users).toHaveLength(1);
  });

  it('reuses recipient lookups: usage follows this process, other writers show within recipientCacheMs', async () => {
    const u = await dir.createUser({
      address: 'gus@example.com',
      aliases: ['g@other.org'],
      quotaBytes: 5000,
    });
    const used = async (a: string) => (await dir.resolveRecipient(a))?.users[0]?.usedBytes;
    expect(await used('gus@example.com')).toBe(0);
    expect(await used('g@other.org')).toBe(0);
    // What this process stores is charged to the cached usage, under every address of the user.
    dir.noteStored([u.id], 1200);
    expect(await used('gus@example.com')).toBe(1200);
    expect(await used('g@other.org')).toBe(1200);
    // Another writer (the CLI, another node) sets the usage: this directory still answers from its cache…
    const external = () =>
      database.db.updateTable('users').set({ used_bytes: 4321 }).where('id', '=', u.id).execute();
    await external();
    expect(await used('gus@example.com')).toBe(1200);
    // …until this process frees space, which makes it ask again.
    dir.noteUsageChanged([u.id]);
    expect(await used('gus@example.com')).toBe(4321);

    // A directory with a short lifetime picks up another writer's change on its own.
    const short = createDirectory({
      db: database.db,
      prepareRead: database.prepareRead,
      recipientCacheMs: 150,
      defaultQuotaBytes: 1000,
      createMailboxes: (trx, id) => insertDefaultMailboxes(trx, id),
      releaseBlobs: async () => {},
    });
    expect((await short.resolveRecipient('gus@example.com'))?.users).toHaveLength(1);
    await database.db.updateTable('users').set({ enabled: 0 }).where('id', '=', u.id).execute();
    expect((await short.resolveRecipient('gus@example.com'))?.users).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(await short.resolveRecipient('gus@example.com')).toMatchObject({ users: [], disabled: true });
    // The long-lived one still has gus enabled, until a sync applied beside it says that things changed.
    expect((await dir.resolveRecipient('gus@example.com'))?.users).toHaveLength(1);
    dir.noteDirectoryChanged();
    expect(await dir.resolveRecipient('gus@example.com')).toMatchObject({ users: [], disabled: true });
  });

  it('changes and removes passwords', async () => {
    await dir.createUser({ address: 'dan@example.com', password: 'first-password' });
    await dir.updateUser('dan@example.com', { password: 'second-password' });
    expect(await dir.authenticate('dan@example.com', 'first-password')).toBeNull();
    expect(await dir.authenticate('dan@example.com', 'second-password')).not.toBeNull();
    const sso = await dir.updateUser('dan@example.com', { password: null });
    expect(sso.hasPassword).toBe(false);
    expect(await dir.authenticate('dan@example.com', 'second-password')).toBeNull();
  });

  it('resolves users, aliases, subaddresses and group addresses', async () => {
    const a = await dir.createUser({
      address: 'erin@example.com',
      aliases: ['e.r@example.com', 'erin@other.org'],
    });
    const b = await dir.createUser({ address: 'finn@example.com' });
    expect(a.aliases).toEqual(['e.r@example.com', 'erin@other.org']);
    expect(await dir.resolveRecipient('E.R@example.com')).toMatchObject({
      kind: 'alias',
      users: [{ id: a.id }],
    });
    expect(await dir.resolveRecipient('erin+news@example.com')).toMatchObject({
      kind: 'user',
      users: [{ id: a.id }],
    });
    expect(await dir.resolveRecipient('ghost@example.com')).toBeNull();
    expect(
      await dir.findUserIds(['ERIN@example.com', 'e.r@example.com', 'finn@example.com', 'ghost@example.com']),
    ).toEqual(
      new Map([
        ['erin@example.com', a.id],
        ['finn@example.com', b.id],
        ['e.r@example.com', a.id],
      ]),
    );
    expect((await dir.getUser('erin@other.org')).id).toBe(a.id);
    // Within some domains only: an alias counts for its user's domain, not its own.
    expect(await dir.findUserIds(['erin@other.org', 'finn@example.com'], new Set(['other.org']))).toEqual(
      new Map(),
    );
    expect(await dir.findUserIds(['erin@other.org'], new Set(['example.com']))).toEqual(
      new Map([['erin@other.org', a.id]]),
    );
    expect(await dir.findUserIds(['erin@example.com'], new Set())).toEqual(new Map());
    await expect(dir.createUser({ address: 'e.r@example.com' })).rejects.toMatchObject({
      code: 'ADDRESS_TAKEN',
    });
    const g = await dir.createGroup({
      domain: 'example.com',
      name: 'Sales',
      kind: 'group',
      address: 'sales@example.com',
    });
    await dir.addGroupMembers(g.id, ['erin@example.com', 'finn@example.com', 'finn@example.com']);
    const res = await dir.resolveRecipient('sales@example.com');
    expect(res?.kind).toBe('group');
    expect(res?.users.map((u) => u.id).sort()).toEqual([a.id, b.id].sort());
    await dir.updateUser('finn@example.com', { enabled: false });
    expect((await dir.resolveRecipient('sales@example.com'))?.users.map((u) => u.id)).toEqual([a.id]);
  });

  it('keeps internationalized domains as A-labels and finds them by either form', async () => {
    const d = await dir.createDomain('例子.中国');
    expect(d.name).toBe('xn--fsqu00a.xn--fiqs8s');
    await expect(dir.createDomain('XN--FSQU00A.xn--fiqs8s.')).rejects.toMatchObject({
      code: 'DOMAIN_EXISTS',
    });
    // IDNA refuses this A-label (it decodes to nothing valid): a clear validation error, not a lookup miss.
    await expect(dir.createDomain('xn--zz.example')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await dir.isLocalDomain('例子。中国')).toBe(true);
    const u = await dir.createUser({ address: 'Wang@例子.中国', aliases: ['w@例子.中国'] });
    expect(u).toMatchObject({
      address: 'wang@xn--fsqu00a.xn--fiqs8s',
      domain: 'xn--fsqu00a.xn--fiqs8s',
      aliases: ['w@xn--fsqu00a.xn--fiqs8s'],
    });
    for (const a of ['wang@例子.中国', 'WANG@xn--fsqu00a.XN--FIQS8S', 'w@例子.中国', '"wang"@例子.中国']) {
      expect(
        (await dir.resolveRecipient(a))?.users.map((x) => x.id),
        a,
      ).toEqual([u.id]);
    }
    expect((await dir.getUser('wang@例子.中国')).id).toBe(u.id);
    expect((await dir.listUsers({ domain: '例子.中国', limit: 10 })).items.map((x) => x.id)).toEqual([u.id]);
    expect(await dir.findUserIds(['wang@例子.中国'])).toEqual(
      new Map([['wang@xn--fsqu00a.xn--fiqs8s', u.id]]),
    );
  });

  it('takes postmaster of every local domain, and bare postmaster, for the enabled system admins', async () => {
    // No admin with a mailbox: nowhere to deliver, so unknown (RCPT answers 550 5.1.1).
    expect(await dir.resolveRecipient('postmaster@example.com')).toBeNull();
    const root = await dir.createUser({ address: 'root@other.org', role: 'admin' });
    const ops = await dir.createUser({ address: 'ops@example.com', role: 'admin' });
    await dir.createUser({ address: 'gone@example.com', role: 'admin' });
    await dir.updateUser('gone@example.com', { enabled: false });
    for (const a of [
      'postmaster@example.com',
      'PostMaster@other.org',
      'postmaster',
      'postmaster+x@example.com',
    ]) {
      expect(await dir.resolveRecipient(a), a).toMatchObject({
        kind: 'postmaster',
        users: [{ id: ops.id }, { id: root.id }],
      });
    }
    expect(await dir.resolveRecipient('postmaster@elsewhere.test')).toBeNull();
    // An address of that name wins.
    const pm = await dir.createUser({ address: 'postmaster@example.com' });
    expect(await dir.resolveRecipient('postmaster@example.com')).toMatchObject({
      kind: 'user',
      users: [{ id: pm.id }],
    });
    expect((await dir.resolveRecipient('postmaster@other.org'))?.kind).toBe('postmaster');
  });

  it('keeps quotas within 1 PiB, so that they stay exact numbers (the CLI passes them unchecked)', async () => {
    for (const quotaBytes of [2 ** 63, 2 ** 50 + 1, -1, 1.5, Number.NaN]) {
      await expect(
        dir.createUser({ address: 'q@example.com', quotaBytes }),
        String(quotaBytes),
      ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', extra: { field: 'quotaBytes' } });
    }
    const user = await dir.createUser({ address: 'q@example.com', quotaBytes: 2 ** 50 });
    expect(user.quotaBytes).toBe(2 ** 50);
    await expect(dir.updateUser('q@example.com', { quotaBytes: 2 ** 63 })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect((await dir.getUser('q@example.com')).quotaBytes).toBe(2 ** 50);
  });

  it('lists users with search, domain filter, visibility and cursors', async () => {
    for (const n of ['amy', 'ben', 'cat', 'dov'])
      await dir.createUser({ address: `${n}@example.com`, displayName: n.toUpperCase() });
    await dir.createUser({ address: 'eve@other.org', displayName: 'Eve 100%' });
    const first = await dir.listUsers({ limit: 2 });
    expect(first.items.map((u) => u.address)).toEqual(['amy@example.com', 'ben@example.com']);
    const second = await dir.listUsers({ limit: 2, cursor: first.nextCursor ?? '' });
    expect(second.items.map((u) => u.address)).toEqual(['cat@example.com', 'dov@example.com']);
    expect((await dir.listUsers({ limit: 2, cursor: second.nextCursor ?? '' })).nextCursor).toBeNull();
    expect((await dir.listUsers({ limit: 10, q: 'CA' })).items.map((u) => u.address)).toEqual([
      'cat@example.com',
    ]);
    expect((await dir.listUsers({ limit: 10, q: '100%' })).items.map((u) => u.address)).toEqual([
      'eve@other.org',
    ]);
    expect((await dir.listUsers({ limit: 10, q: '%' })).items.map((u) => u.address)).toEqual([
      'eve@other.org',
    ]);
    expect((await dir.listUsers({ limit: 10, domain: 'other.org' })).items).toHaveLength(1);
    await dir.updateUser('ben@example.com', { role: 'domain_admin', adminDomains: ['example.com'] });
    await dir.updateUser('eve@other.org', { role: 'admin' });
    const ofRole = async (role: 'admin' | 'domain_admin' | 'user', domain?: string) =>
      (await dir.listUsers({ limit: 10, role, domain })).items.map((u) => u.address);
    expect(await ofRole('domain_admin')).toEqual(['ben@example.com']);
    expect(await ofRole('admin')).toEqual(['eve@other.org']);
    expect(await ofRole('admin', 'example.com')).toEqual([]);
    expect(await ofRole('user')).toEqual(['amy@example.com', 'cat@example.com', 'dov@example.com']);
    expect((await dir.listUsers({ limit: 10, visibleDomains: new Set(['other.org']) })).items).toHaveLength(
      1,
    );
    // Not base64url, not UTF-8 once decoded, or not in the form this server writes (padding,
    // stray bits): each would otherwise start the page at some arbitrary address.
    // `AA` decodes to a NUL (once a 500 on PostgreSQL), `YQo` to `a` and a line feed.
    for (const bad of ['!!', 'garbage', '_w', `${first.nextCursor}=`, 'YR', 'AA', 'YQo']) {
      await expect(dir.listUsers({ limit: 10, cursor: bad }), bad).rejects.toMatchObject({
        code: 'INVALID_CURSOR',
      });
    }
  });

  it('searches names in any script without regard to case', async () => {
    await dir.createUser({ address: 'dmitry@example.com', displayName: 'Дмитрий Иванов' });
    await dir.createUser({ address: 'zoe@example.com', displayName: 'ZOË ÅSTRÖM' });
    await dir.createUser({ address: 'wang@example.com', displayName: '王小明' });
    const found = async (q: string) => (await dir.listUsers({ limit: 10, q })).items.map((u) => u.address);
    expect(await found('дмитрий')).toEqual(['dmitry@example.com']);
    expect(await found('ИВАН')).toEqual(['dmitry@example.com']);
    expect(await found('åström')).toEqual(['zoe@example.com']);
    expect(await found('Zoë')).toEqual(['zoe@example.com']);
    expect(await found('小明')).toEqual(['wang@example.com']);
  });

  it('puts a user in departments when made, replaces them on a change, and keeps other groups', async () => {
    const sales = await dir.createGroup({ domain: 'example.com', name: 'Sales', kind: 'department' });
    const east = await dir.createGroup({
      domain: 'example.com',
      name: 'East',
      kind: 'department',
      parentId: sales.id,
    });
    const club = await dir.createGroup({ domain: 'example.com', name: 'Chess club', kind: 'group' });
    const foreign = await dir.createGroup({ domain: 'other.org', name: 'Ops', kind: 'department' });
    const ann = await dir.createUser({ address: 'ann@example.com', departments: [sales.id, east.id] });
    expect(ann.departments).toEqual([
      { id: east.id, name: 'East' },
      { id: sales.id, name: 'Sales' },
    ]);
    await dir.addGroupMembers(club.id, ['ann@example.com']);
    const moved = await dir.updateUser('ann@example.com', { departments: [east.id] });
    expect(moved.departments).toEqual([{ id: east.id, name: 'East' }]);
    expect((await dir.listGroupMembers(club.id)).map((u) => u.address)).toEqual(['ann@example.com']);
    expect((await dir.listUsers({ limit: 10, q: 'ann' })).items[0]?.departments).toEqual(moved.departments);
    await expect(
      dir.createUser({ address: 'bo@example.com', departments: [foreign.id] }),
    ).rejects.toMatchObject({
      code: 'GROUP_NOT_FOUND',
      extra: { field: 'departments[0]' },
    });
    await expect(dir.createUser({ address: 'bo@example.com', departments: [club.id] })).rejects.toMatchObject(
      {
        code: 'VALIDATION_FAILED',
        extra: { field: 'departments[0]' },
      },
    );
    // A refused user was not made.
    await expect(dir.getUser('bo@example.com')).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
  });

  it('keeps departments as a tree and refuses cycles', async () => {
    const hq = await dir.createGroup({ domain: 'example.com', name: 'HQ' });
    const rd = await dir.createGroup({ domain: 'example.com', name: 'R&D', parentId: hq.id, sortOrder: 2 });
    const ops = await dir.createGroup({ domain: 'example.com', name: 'Ops', parentId: hq.id, sortOrder: 1 });
    await dir.createUser({ address: 'gus@example.com' });
    await dir.addGroupMembers(rd.id, ['gus@example.com']);
    const tree = await dir.groupTree('example.com');
    expect(tree.map((n) => n.name)).toEqual(['HQ']);
    expect(tree[0]?.children.map((n) => [n.name, n.memberCount])).toEqual([
      ['Ops', 0],
      ['R&D', 1],
    ]);
    await expect(dir.updateGroup(hq.id, { parentId: rd.id })).rejects.toMatchObject({ code: 'GROUP_CYCLE' });
    const foreign = await dir.createGroup({ domain: 'other.org', name: 'Elsewhere' });
    await expect(dir.updateGroup(ops.id, { parentId: foreign.id })).rejects.toMatchObject({
      code: 'GROUP_NOT_FOUND',
    });
    await expect(dir.deleteGroup(hq.id)).rejects.toMatchObject({ code: 'GROUP_NOT_EMPTY' });
    await dir.removeGroupMember(rd.id, 'gus@example.com');
    expect(await dir.listGroupMembers(rd.id)).toEqual([]);
    await dir.deleteGroup(rd.id);
    await expect(dir.getGroup(rd.id)).rejects.toMatchObject({ code: 'GROUP_NOT_FOUND' });
  });

  it('issues API keys shown once, stored hashed, revocable', async () => {
    const { key, apiKey } = await dir.createApiKey({
      name: 'oa',
      scopes: ['users:*', 'mail:read'],
      domain: 'example.com',
    });
    expect(key).toMatch(/^jdk_[A-Za-z0-9_-]{43}$/);
    expect(apiKey.scopes).toEqual(['users:read', 'users:write', 'mail:read']);
    const stored = await database.db.selectFrom('api_keys').selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(key);
    expect(await dir.verifyApiKey(key)).toMatchObject({ id: apiKey.id, domain: 'example.com' });
    expect(await dir.verifyApiKey(`${key}x`)).toBeNull();
    await dir.revokeApiKey(apiKey.id);
    expect(await dir.verifyApiKey(key)).toBeNull();
    await expect(dir.createApiKey({ name: 'x', scopes: ['mail:delete'] })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });

  it('lists API keys by visible domain with a cursor, rotates them with a grace period, revokes them', async () => {
    const a = await dir.createApiKey({ name: 'a', scopes: ['mail:read'], domain: 'example.com' });
    const b = await dir.createApiKey({ name: 'b', scopes: ['mail:read'], domain: 'other.org' });
    const all = await dir.createApiKey({ name: 'all', scopes: ['*'] });
    const first = await dir.listApiKeys({ limit: 2 });
    expect(first.items).toHaveLength(2);
    const second = await dir.listApiKeys({ limit: 2, cursor: first.nextCursor ?? '' });
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    expect([...first.items, ...second.items].map((k) => k.name).sort()).toEqual(['a', 'all', 'b']);
    expect(second.items[0]?.expiresAt).toBeNull();
    expect(
      (await dir.listApiKeys({ visibleDomains: new Set(['example.com']) })).items.map((k) => k.name),
    ).toEqual(['a']);
    expect((await dir.listApiKeys({ visibleDomains: new Set() })).items).toEqual([]);
    await expect(dir.listApiKeys({ cursor: 'not a cursor' })).rejects.toMatchObject({
      code: 'INVALID_CURSOR',
    });

    // Rotated with grace: both keys work; the old one says when it stops, and cannot be rotated again.
    const before = Date.now();
    const rotated = await dir.rotateApiKey(a.apiKey.id, 3600);
    expect(rotated.key).not.toBe(a.key);
    expect(rotated.apiKey).toMatchObject({
      name: 'a',
      scopes: ['mail:read'],
      domain: 'example.com',
      expiresAt: null,
    });
    expect(await dir.verifyApiKey(a.key)).toMatchObject({ id: a.apiKey.id });
    expect(await dir.verifyApiKey(rotated.key)).toMatchObject({ id: rotated.apiKey.id });
    const old = await dir.getApiKey(a.apiKey.id);
    expect(old.expiresAt).toBeGreaterThanOrEqual(before + 3600_000);
    await expect(dir.rotateApiKey(a.apiKey.id)).rejects.toMatchObject({ code: 'API_KEY_NOT_FOUND' });
    // Revoking ends the grace at once.
    await dir.revokeApiKey(a.apiKey.id);
    expect(await dir.verifyApiKey(a.key)).toBeNull();
    await expect(dir.getApiKey(a.apiKey.id)).rejects.toMatchObject({ code: 'API_KEY_NOT_FOUND' });
    await expect(dir.revokeApiKey(a.apiKey.id)).rejects.toMatchObject({ code: 'API_KEY_NOT_FOUND' });

    // Rotated without grace: the old key stops now; a grace out of range is refused.
    const now = await dir.rotateApiKey(b.apiKey.id, 0);
    expect(await dir.verifyApiKey(b.key)).toBeNull();
    expect(await dir.verifyApiKey(now.key)).toMatchObject({ domain: 'other.org' });
    await expect(dir.rotateApiKey(now.apiKey.id, 31 * 24 * 3600)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect((await dir.listApiKeys()).items.map((k) => k.name).sort()).toEqual(['a', 'all', 'b']);
    // Two rotations at once make one successor.
    const race = await Promise.allSettled([dir.rotateApiKey(all.apiKey.id), dir.rotateApiKey(all.apiKey.id)]);
    expect(race.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
  });

  it('refuses to delete a domain with users, then deletes users and the domain', async () => {
    await dir.createUser({ address: 'hal@other.org' });
    await expect(dir.deleteDomain('other.org')).rejects.toMatchObject({ code: 'DOMAIN_NOT_EMPTY' });
    await dir.deleteUser('hal@other.org');
    await expect(dir.getUser('hal@other.org')).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
    await dir.deleteDomain('other.org');
    expect(await dir.isLocalDomain('other.org')).toBe(false);
  });
});

describe('parseScopes', () => {
  it('expands wildcards in catalogue order', () => {
    expect(parseScopes(['*'])).toEqual([...SCOPES]);
    expect(SCOPES).toContain('apps:write');
    expect(parseScopes(['mail:*', 'domains:read'])).toEqual(['domains:read', 'mail:read', 'mail:write']);
    expect(parseScopes(['directory:*'])).toEqual(['directory:read', 'directory:write']);
    expect(() => parseScopes([])).toThrow(/at least one/);
  });
});
