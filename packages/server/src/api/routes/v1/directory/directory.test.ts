import { beforeEach, describe, expect, it } from 'vitest';
import { basic, bearer, buildTestApi, type TestApi } from '../../../testing/build-app.js';

describe('/api/v1/directory', () => {
  let t: TestApi;
  beforeEach(async () => {
    t = await buildTestApi();
    t.directory.addKey('jdk_dirread', ['directory:read']);
    t.directory.addKey('jdk_dirall', ['directory:read', 'directory:write']);
    t.directory.addKey('jdk_dirA', ['directory:read', 'directory:write'], 'example.com');
    t.directory.addKey('jdk_mail', ['mail:read']);
    await t.directory.createUser({
      address: 'alice@example.com',
      password: 'alice-password',
      displayName: 'Alice',
    });
    await t.directory.createUser({ address: 'bob@example.com', displayName: 'Bob' });
    await t.directory.createUser({
      address: 'carol@other.org',
      password: 'carol-password',
      displayName: 'Carol',
    });
    await t.directory.createUser({
      address: 'dan@example.com',
      password: 'dan-password',
      role: 'domain_admin',
      adminDomains: ['other.org'],
    });
  });
  const call = (method: 'GET' | 'POST', url: string, headers: object, payload?: object) =>
    t.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: headers as never,
      ...(payload ? { payload } : {}),
    });

  describe('sync jobs', () => {
    it('starts a job (202 + Location), returns the running one to a second request, and reports it', async () => {
      const first = await call('POST', '/directory/sync', bearer('jdk_dirall'), { dryRun: true });
      expect(first.statusCode).toBe(202);
      const run = first.json();
      expect(run).toMatchObject({
        source: 'corp',
        status: 'running',
        dryRun: true,
        forced: false,
        trigger: 'api',
      });
      expect(first.headers.location).toBe(`/api/v1/directory/sync/${run.id}`);
      const second = await call('POST', '/directory/sync', bearer('jdk_dirall'), {});
      expect(second.statusCode).toBe(200);
      expect(second.json().id).toBe(run.id);
      t.directorySync.finish(run.id, { create: [{ address: 'x@example.com', dn: 'uid=x', disableAt: 0 }] });
      const done = await call('GET', `/directory/sync/${run.id}`, bearer('jdk_dirread'));
      expect(done.json()).toMatchObject({
        status: 'succeeded',
        finishedAt: expect.any(String),
        report: { create: [{ address: 'x@example.com', disableAt: '1970-01-01T00:00:00.000Z' }] },
      });
      const list = await call('GET', '/directory/sync?limit=10', bearer('jdk_dirread'));
      expect(list.json().items.map((r: { id: string }) => r.id)).toEqual([run.id]);
    });

    it('passes force and mode through, and accepts a POST without a body', async () => {
      expect(
        (await call('POST', '/directory/sync', bearer('jdk_admin'), { force: true, mode: 'incremental' }))
          .statusCode,
      ).toBe(202);
      expect(t.directorySync.requests.at(-1)).toEqual({ force: true, mode: 'incremental', trigger: 'api' });
      const empty = await t.app.inject({
        method: 'POST',
        url: '/api/v1/directory/sync',
        headers: bearer('jdk_admin'),
      });
      expect(empty.statusCode).toBe(200);
    });

    it('answers unknown sources, runs and properties with their codes', async () => {
      const unknown = await call('POST', '/directory/sync', bearer('jdk_admin'), { source: 'nope' });
      expect([unknown.statusCode, unknown.json().code]).toEqual([404, 'DIRECTORY_SOURCE_NOT_FOUND']);
      const typo = await call('POST', '/directory/sync', bearer('jdk_admin'), { dryrun: true });
      expect([typo.statusCode, typo.json().errors]).toEqual([
        422,
        [{ field: 'dryrun', message: 'is not a known property' }],
      ]);
      const missing = await call('GET', '/directory/sync/run9999', bearer('jdk_admin'));
      expect([missing.statusCode, missing.json().code]).toEqual([404, 'SYNC_RUN_NOT_FOUND']);
    });

    it.each([
      ['a key without directory:write', bearer('jdk_dirread'), 403, 'INSUFFICIENT_SCOPE'],
      ['a domain-restricted key', bearer('jdk_dirA'), 403, 'FORBIDDEN'],
      ['a domain admin', basic('dan@example.com', 'dan-password'), 403, 'FORBIDDEN'],
      ['a user', basic('alice@example.com', 'alice-password'), 403, 'INSUFFICIENT_SCOPE'],
    ])('refuses to start a sync for %s', async (_who, headers, status, code) => {
      const res = await call('POST', '/directory/sync', headers, {});
      expect([res.statusCode, res.json().code]).toEqual([status, code]);
      expect(t.directorySync.runs.size).toBe(0);
    });

    it('shows run status only to callers who may start runs', async () => {
      const res = await call('GET', '/directory/sync', basic('alice@example.com', 'alice-password'));
      expect([res.statusCode, res.json().code]).toEqual([403, 'FORBIDDEN']);
    });
  });

  describe('address book and departments', () => {
    const addresses = (res: { json(): { items: { address: string }[] } }) =>
      res.json().items.map((e) => e.address);

    it('lets a user read their own domain’s address book, and no other', async () => {
      const alice = basic('alice@example.com', 'alice-password');
      const own = await call('GET', '/directory/address-book', alice);
      expect(own.statusCode).toBe(200);
      expect(addresses(own)).toEqual(['alice@example.com', 'bob@example.com', 'dan@example.com']);
      expect(own.json().items[1]).toEqual({
        kind: 'user',
        address: 'bob@example.com',
        name: 'Bob',
        domain: 'example.com',
        departments: [],
        groupKind: null,
      });
      const other = await call('GET', '/directory/address-book?domain=other.org', alice);
      expect([other.statusCode, other.json().code]).toEqual([404, 'DOMAIN_NOT_FOUND']);
      expect(addresses(await call('GET', '/directory/address-book?q=bo', alice))).toEqual([
        'bob@example.com',
      ]);
    });

    it('shows a domain admin their own and administered domains, a restricted key its domain', async () => {
      const dan = basic('dan@example.com', 'dan-password');
      expect(addresses(await call('GET', '/directory/address-book', dan))).toEqual([
        'alice@example.com',
        'bob@example.com',
        'carol@other.org',
        'dan@example.com',
      ]);
      expect(addresses(await call('GET', '/directory/address-book', bearer('jdk_dirA')))).not.toContain(
        'carol@other.org',
      );
      const paged = await call('GET', '/directory/address-book?limit=2', bearer('jdk_dirread'));
      expect(addresses(paged)).toEqual(['alice@example.com', 'bob@example.com']);
      const next = await call(
        'GET',
        `/directory/address-book?limit=2&cursor=${paged.json().nextCursor}`,
        bearer('jdk_dirread'),
      );
      expect(addresses(next)).toEqual(['carol@other.org', 'dan@example.com']);
      const refused = await call('GET', '/directory/address-book', bearer('jdk_mail'));
      expect([refused.statusCode, refused.json().code]).toEqual([403, 'INSUFFICIENT_SCOPE']);
    });

    it('lists a department’s members, hiding other domains’ departments', async () => {
      const sales = await t.directory.createGroup({
        domain: 'example.com',
        name: 'Sales',
        kind: 'department',
      });
      const theirs = await t.directory.createGroup({ domain: 'other.org', name: 'Ops', kind: 'department' });
      await t.directory.addGroupMembers(sales.id, ['bob@example.com']);
      const alice = basic('alice@example.com', 'alice-password');
      expect(addresses(await call('GET', `/directory/address-book?group=${sales.id}`, alice))).toEqual([
        'bob@example.com',
      ]);
      const hidden = await call('GET', `/directory/address-book?group=${theirs.id}`, alice);
      expect([hidden.statusCode, hidden.json().code]).toEqual([404, 'GROUP_NOT_FOUND']);
      const tree = await call('GET', '/directory/departments', alice);
      expect(tree.json()).toMatchObject({
        domain: 'example.com',
        items: [{ name: 'Sales', memberCount: 1, children: [] }],
      });
      const otherTree = await call('GET', '/directory/departments?domain=other.org', alice);
      expect(otherTree.statusCode).toBe(404);
    });

    it('needs a domain for the departments of a key that sees every domain', async () => {
      const res = await call('GET', '/directory/departments', bearer('jdk_dirread'));
      expect([res.statusCode, res.json().errors]).toEqual([
        422,
        [{ field: 'query.domain', message: 'required for a key that sees every domain' }],
      ]);
      expect(
        (await call('GET', '/directory/departments?domain=other.org', bearer('jdk_dirread'))).statusCode,
      ).toBe(200);
    });
  });
});
