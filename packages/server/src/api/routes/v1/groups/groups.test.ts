import { beforeEach, describe, expect, it } from 'vitest';
import { bearer, buildTestApi, type TestApi } from '../../../testing/build-app.js';

describe('/api/v1/groups', () => {
  let t: TestApi;
  beforeEach(async () => {
    t = await buildTestApi();
    await t.directory.createUser({ address: 'alice@example.com' });
    await t.directory.createUser({ address: 'carol@other.org' });
  });
  const call = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: object,
    token = 'jdk_admin',
  ) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers: bearer(token), ...(payload ? { payload } : {}) });

  it('asks for the kind: a department (the org chart) or a group, never one by default', async () => {
    const res = await call('POST', '/groups', { domain: 'example.com', name: 'Sales' });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors).toEqual([{ field: 'kind', message: "must have required property 'kind'" }]);
    const made = (
      await call('POST', '/groups', { domain: 'example.com', name: 'Chess', kind: 'group' })
    ).json();
    expect(made).toMatchObject({ kind: 'group', source: null });
  });

  it('builds a tree, moves, and deletes groups', async () => {
    const sales = (
      await call('POST', '/groups', { domain: 'Example.com', name: 'Sales', kind: 'department' })
    ).json();
    expect(sales).toMatchObject({
      domain: 'example.com',
      kind: 'department',
      parentId: null,
      memberCount: 0,
    });
    const east = (
      await call('POST', '/groups', {
        domain: 'example.com',
        name: 'East',
        kind: 'department',
        parentId: sales.id,
      })
    ).json();
    const tree = (await call('GET', '/domains/example.com/groups')).json();
    expect(tree.items).toHaveLength(1);
    expect(tree.items[0].children[0]).toMatchObject({ id: east.id, children: [] });
    expect((await call('DELETE', `/groups/${sales.id}`)).json().code).toBe('GROUP_NOT_EMPTY');
    expect((await call('PATCH', `/groups/${east.id}`, { parentId: null })).json().parentId).toBeNull();
    expect((await call('DELETE', `/groups/${sales.id}`)).statusCode).toBe(204);
    expect((await call('GET', `/groups/${sales.id}`)).json().code).toBe('GROUP_NOT_FOUND');
  });

  it('adds, lists and removes members', async () => {
    const g = (
      await call('POST', '/groups', { domain: 'example.com', name: 'All', kind: 'department' })
    ).json();
    expect(
      (await call('POST', `/groups/${g.id}/members`, { addresses: ['ALICE@example.com'] })).statusCode,
    ).toBe(204);
    const members = (await call('GET', `/groups/${g.id}/members`)).json();
    expect(members.items.map((u: { address: string }) => u.address)).toEqual(['alice@example.com']);
    expect((await call('GET', `/groups/${g.id}`)).json().memberCount).toBe(1);
    expect((await call('DELETE', `/groups/${g.id}/members/alice@example.com`)).statusCode).toBe(204);
    expect((await call('GET', `/groups/${g.id}/members`)).json().items).toEqual([]);
  });

  it('hides other domains’ groups from a restricted key and keeps their users out', async () => {
    const theirs = (
      await call('POST', '/groups', { domain: 'other.org', name: 'Theirs', kind: 'department' })
    ).json();
    expect((await call('GET', `/groups/${theirs.id}`, undefined, 'jdk_example')).json().code).toBe(
      'GROUP_NOT_FOUND',
    );
    expect((await call('GET', '/domains/other.org/groups', undefined, 'jdk_example')).statusCode).toBe(404);
    expect(
      (await call('POST', '/groups', { domain: 'other.org', name: 'X', kind: 'department' }, 'jdk_example'))
        .statusCode,
    ).toBe(404);
    const mine = (
      await call(
        'POST',
        '/groups',
        { domain: 'example.com', name: 'Mine', kind: 'department' },
        'jdk_example',
      )
    ).json();
    const pull = await call(
      'POST',
      `/groups/${mine.id}/members`,
      { addresses: ['carol@other.org'] },
      'jdk_example',
    );
    expect(pull.statusCode).toBe(404);
    expect(pull.json().code).toBe('USER_NOT_FOUND');
  });

  it('treats another domain’s users as absent in a restricted caller’s group, even behind an alias of its own domain', async () => {
    const mine = (
      await call(
        'POST',
        '/groups',
        { domain: 'example.com', name: 'Mine', kind: 'department' },
        'jdk_example',
      )
    ).json();
    // A system admin may give a user of other.org an alias in example.com, and add them to the group.
    await t.directory.updateUser('carol@other.org', { aliases: ['shared@example.com'] });
    const viaAlias = await call(
      'POST',
      `/groups/${mine.id}/members`,
      { addresses: ['shared@example.com'] },
      'jdk_example',
    );
    expect(viaAlias.statusCode).toBe(404);
    expect(viaAlias.json().code).toBe('USER_NOT_FOUND');
    await call('POST', `/groups/${mine.id}/members`, { addresses: ['carol@other.org', 'alice@example.com'] });
    const listed = (await call('GET', `/groups/${mine.id}/members`, undefined, 'jdk_example')).json();
    expect(listed.items.map((u: { address: string }) => u.address)).toEqual(['alice@example.com']);
    // Removing: an existing and a missing user of other.org get the same answer, and nothing changes.
    const existing = await call(
      'DELETE',
      `/groups/${mine.id}/members/carol@other.org`,
      undefined,
      'jdk_example',
    );
    const missing = await call(
      'DELETE',
      `/groups/${mine.id}/members/ghost@other.org`,
      undefined,
      'jdk_example',
    );
    expect(existing.statusCode).toBe(404);
    const { instance: _e, ...existingBody } = existing.json();
    const { instance: _m, ...missingBody } = missing.json();
    expect(existingBody).toEqual(missingBody);
    expect(t.directory.members.get(mine.id)).toEqual(new Set(['alice@example.com', 'carol@other.org']));
  });

  it('keeps a group’s address in the restricted caller’s domains', async () => {
    const mine = (
      await call(
        'POST',
        '/groups',
        { domain: 'example.com', name: 'Mine', kind: 'department' },
        'jdk_example',
      )
    ).json();
    for (const [method, url] of [
      ['POST', '/groups'],
      ['PATCH', `/groups/${mine.id}`],
    ] as const) {
      const body = {
        ...(method === 'POST' ? { domain: 'example.com', name: 'X', kind: 'group' } : {}),
        address: 'ceo@other.org',
      };
      const res = await call(method, url, body, 'jdk_example');
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'DOMAIN_NOT_FOUND', errors: [{ field: 'address' }] });
    }
  });
});
