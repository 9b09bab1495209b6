import { beforeEach, describe, expect, it } from 'vitest';
import { basic, bearer, buildTestApi, type TestApi } from '../../../testing/build-app.js';

describe('/api/v1/users', () => {
  let t: TestApi;
  beforeEach(async () => {
    t = await buildTestApi();
    await t.directory.createUser({
      address: 'alice@example.com',
      password: 'alice-password',
      aliases: ['al@example.com'],
    });
    await t.directory.createUser({ address: 'bob@example.com', password: 'bob-password' });
    await t.directory.createUser({ address: 'carol@other.org', password: 'carol-password' });
    await t.directory.createUser({ address: 'root@other.org', password: 'root-password', role: 'admin' });
    await t.directory.createUser({
      address: 'boss@example.com',
      password: 'boss-password',
      role: 'domain_admin',
      adminDomains: ['example.com'],
    });
  });
  const as =
    (auth: Record<string, string>) =>
    (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
      t.app.inject({ method, url: `/api/v1${url}`, headers: auth, ...(payload ? { payload } : {}) });
  const admin = () => as(bearer('jdk_admin'));
  const boss = () => as(basic('boss@example.com', 'boss-password'));

  it('creates a user with or without a password', async () => {
    const sso = await admin()('POST', '/users', { address: 'Dave@Example.com', displayName: 'Dave' });
    expect(sso.statusCode).toBe(201);
    expect(sso.json()).toMatchObject({
      address: 'dave@example.com',
      hasPassword: false,
      role: 'user',
      enabled: true,
    });
    const pw = await admin()('POST', '/users', { address: 'erin@example.com', password: 'long enough' });
    expect(pw.json().hasPassword).toBe(true);
    expect(pw.json()).not.toHaveProperty('password');
    expect((await admin()('POST', '/users', { address: 'erin@example.com' })).json().code).toBe(
      'ADDRESS_TAKEN',
    );
  });

  it('lists with q, domain, limit and cursor', async () => {
    const res = (await admin()('GET', '/users?domain=EXAMPLE.com&limit=2')).json();
    expect(res.items.map((u: { address: string }) => u.address)).toEqual([
      'alice@example.com',
      'bob@example.com',
    ]);
    const next = (await admin()('GET', `/users?domain=example.com&limit=2&cursor=${res.nextCursor}`)).json();
    expect(next.items.map((u: { address: string }) => u.address)).toEqual(['boss@example.com']);
    expect(next.nextCursor).toBeNull();
    expect((await admin()('GET', '/users?q=carol')).json().items).toHaveLength(1);
  });

  it('lists one role: the admins of every domain, or of a domain admin’s own domains', async () => {
    const addresses = async (as: ReturnType<typeof admin>, url: string) =>
      (await as('GET', url)).json().items.map((u: { address: string }) => u.address);
    expect(await addresses(admin(), '/users?role=domain_admin')).toEqual(['boss@example.com']);
    expect(await addresses(admin(), '/users?role=admin')).toEqual(['root@other.org']);
    expect(await addresses(admin(), '/users?role=user&domain=other.org')).toEqual(['carol@other.org']);
    // The system admin lives in other.org: a domain admin of example.com does not see them.
    expect(await addresses(boss(), '/users?role=admin')).toEqual([]);
    expect(await addresses(boss(), '/users?role=domain_admin')).toEqual(['boss@example.com']);
    expect((await admin()('GET', '/users?role=root')).statusCode).toBe(422);
  });

  it('reads a user by address or alias, case-insensitively', async () => {
    expect((await admin()('GET', '/users/ALICE@example.com')).json().address).toBe('alice@example.com');
    expect((await admin()('GET', '/users/al@example.com')).json().address).toBe('alice@example.com');
    expect((await admin()('GET', '/users/nobody@example.com')).json().code).toBe('USER_NOT_FOUND');
  });

  it('keeps a domain admin inside their domain: others are 404, lists are filtered', async () => {
    expect((await boss()('GET', '/users/alice@example.com')).statusCode).toBe(200);
    const hidden = await boss()('GET', '/users/carol@other.org');
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json().code).toBe('USER_NOT_FOUND');
    const list = (await boss()('GET', '/users')).json();
    expect(list.items.every((u: { domain: string }) => u.domain === 'example.com')).toBe(true);
    expect((await boss()('GET', '/users?domain=other.org')).statusCode).toBe(404);
    expect((await boss()('POST', '/users', { address: 'x@other.org' })).json().code).toBe('DOMAIN_NOT_FOUND');
  });

  it('stops privilege escalation: no admin grants by domain admins, no editing admins', async () => {
    const grant = await boss()('POST', '/users', { address: 'evil@example.com', role: 'admin' });
    expect(grant.statusCode).toBe(403);
    expect(grant.json().code).toBe('FORBIDDEN');
    const widen = await boss()('PATCH', '/users/bob@example.com', {
      role: 'domain_admin',
      adminDomains: ['other.org'],
    });
    expect(widen.json().code).toBe('FORBIDDEN');
    await t.directory.createUser({ address: 'sysop@example.com', password: 'sysop-password', role: 'admin' });
    expect((await boss()('PATCH', '/users/sysop@example.com', { password: 'hijacked!' })).json().code).toBe(
      'FORBIDDEN',
    );
    expect(
      (
        await boss()('PATCH', '/users/bob@example.com', {
          role: 'domain_admin',
          adminDomains: ['example.com'],
        })
      ).statusCode,
    ).toBe(200);
  });

  it('keeps aliases of restricted callers in their domains (F1), answering alike whether the address exists (F12)', async () => {
    const keyA = as(bearer('jdk_example'));
    for (const caller of [keyA, boss()]) {
      const taken = await caller('POST', '/users', {
        address: 'x@example.com',
        aliases: ['carol@other.org'],
      });
      const free = await caller('POST', '/users', { address: 'x@example.com', aliases: ['free@other.org'] });
      const none = await caller('POST', '/users', { address: 'x@example.com', aliases: ['a@nowhere.test'] });
      expect(taken.statusCode).toBe(404);
      expect(taken.json()).toMatchObject({ code: 'DOMAIN_NOT_FOUND', errors: [{ field: 'aliases[0]' }] });
      expect(free.json()).toEqual(taken.json());
      expect(none.json().code).toBe('DOMAIN_NOT_FOUND');
      const patch = await caller('PATCH', '/users/alice@example.com', {
        aliases: ['al@example.com', 'postmaster@other.org'],
      });
      expect(patch.statusCode).toBe(404);
      expect(patch.json()).toMatchObject({ code: 'DOMAIN_NOT_FOUND', errors: [{ field: 'aliases[1]' }] });
    }
    expect(t.directory.users.has('x@example.com')).toBe(false);
    expect((await admin()('GET', '/users/alice@example.com')).json().aliases).toEqual(['al@example.com']);
  });

  it('leaves another domain’s alias that a system admin gave to a restricted caller’s user as it is', async () => {
    await admin()('PATCH', '/users/bob@example.com', { aliases: ['sales@other.org'] });
    const keep = await boss()('PATCH', '/users/bob@example.com', {
      aliases: ['sales@other.org', 'b@example.com'],
    });
    expect(keep.statusCode).toBe(200);
    expect(keep.json().aliases).toEqual(['sales@other.org', 'b@example.com']);
    const drop = await boss()('PATCH', '/users/bob@example.com', { aliases: ['b@example.com'] });
    expect(drop.statusCode).toBe(403);
    expect(drop.json()).toMatchObject({ code: 'FORBIDDEN', errors: [{ field: 'aliases' }] });
    expect((await admin()('PATCH', '/users/bob@example.com', { aliases: [] })).statusCode).toBe(200);
  });

  it('lets a plain user read only themselves', async () => {
    const alice = as(basic('alice@example.com', 'alice-password'));
    expect((await alice('GET', '/users/alice@example.com')).statusCode).toBe(200);
    expect((await alice('GET', '/users/bob@example.com')).statusCode).toBe(404);
    expect((await alice('GET', '/users')).statusCode).toBe(403);
    expect((await alice('PATCH', '/users/alice@example.com', { displayName: 'A' })).json().code).toBe(
      'INSUFFICIENT_SCOPE',
    );
  });

  it('updates, disables, enables and deletes', async () => {
    const patched = await admin()('PATCH', '/users/bob@example.com', {
      displayName: 'Bob B',
      quotaBytes: 1000,
    });
    expect(patched.json()).toMatchObject({ displayName: 'Bob B', quotaBytes: 1000 });
    expect((await admin()('PATCH', '/users/bob@example.com', {})).statusCode).toBe(422);
    // 2^63 − 1 would come back as 9223372036854776000; 1 PiB is the most.
    for (const quotaBytes of [2 ** 63, 2 ** 50 + 1, -1]) {
      const res = await admin()('PATCH', '/users/bob@example.com', { quotaBytes });
      expect(res.statusCode, String(quotaBytes)).toBe(422);
      expect(res.json().errors[0].field).toBe('quotaBytes');
    }
    expect(
      (await admin()('PATCH', '/users/bob@example.com', { quotaBytes: 2 ** 50 })).json().quotaBytes,
    ).toBe(2 ** 50);
    expect((await admin()('POST', '/users/bob@example.com/disable')).json().enabled).toBe(false);
    expect((await admin()('POST', '/users/BOB@example.com/enable')).json().enabled).toBe(true);
    expect((await admin()('DELETE', '/users/bob@example.com')).statusCode).toBe(204);
    expect((await admin()('GET', '/users/bob@example.com')).statusCode).toBe(404);
  });
});
