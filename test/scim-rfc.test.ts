import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from './harness/databases.js';
import { ENTERPRISE, ERROR, GROUP, LIST, makeKey, PATCH_OP, rest, scimClient, USER } from './harness/scim.js';
import { startServer, type TestServer } from './harness/server.js';

// The SCIM 2.0 server against the RFCs' own request examples, replayed as
// raw HTTP on both engines: RFC 7644 §3.3 (create), §3.4.2 (filters,
// paging, attributes), §3.5.2 (PATCH), §3.12 (errors), §3.14 (ETags),
// §4 (discovery); RFC 7643 §8 (the resources' shapes). userName is a mail
// address here, so the RFC's "bjensen" is bjensen@example.com.

const databases = useDatabases();

describe.each(databases.engines)('SCIM (RFC 7643/7644) on %s', (engine) => {
  let server: TestServer;
  let key: string;
  let scim: ReturnType<typeof scimClient>;
  let other: ReturnType<typeof scimClient>;
  let babs: { id: string; version: string };

  beforeAll(async () => {
    const db = await databases.fresh(engine);
    server = await startServer({ databaseUrl: db.databaseUrl });
    for (const name of ['example.com', 'other.org'])
      expect((await rest(server, 'POST', '/domains', { name })).status).toBe(201);
    key = await makeKey(server, ['scim:write'], 'example.com');
    scim = scimClient(server, key);
    other = scimClient(server, await makeKey(server, ['scim:write'], 'other.org'));
  });
  afterAll(async () => server?.destroy());

  it('describes itself: ServiceProviderConfig, ResourceTypes, Schemas (RFC 7644 §4)', async () => {
    const spc = await scim('GET', '/ServiceProviderConfig');
    expect(spc.status).toBe(200);
    expect(spc.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(spc.body).toMatchObject({
      patch: { supported: true },
      etag: { supported: true },
      bulk: { supported: false },
    });
    expect(spc.body.authenticationSchemes[0].type).toBe('oauthbearertoken');
    const types = await scim('GET', '/ResourceTypes');
    expect(types.body.schemas).toEqual([LIST]);
    expect(types.body.Resources.map((r: { id: string }) => r.id)).toEqual(['User', 'Group']);
    expect(types.body.Resources[0].schemaExtensions).toEqual([{ schema: ENTERPRISE, required: false }]);
    const schemas = await scim('GET', '/Schemas');
    expect(schemas.body.Resources.map((r: { id: string }) => r.id)).toEqual([USER, ENTERPRISE, GROUP]);
    const user = await scim('GET', `/Schemas/${USER}`);
    expect(user.body.attributes.find((a: { name: string }) => a.name === 'userName')).toMatchObject({
      required: true,
      uniqueness: 'server',
    });
    expect((await scim('GET', '/Schemas/urn:nope')).status).toBe(404);
  });

  it('takes only an app credential holding scim:write', async () => {
    const none = await scimClient(server, null)('GET', '/Users');
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ schemas: [ERROR], status: '401' });
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await scimClient(server, 'jdk_wrong')('GET', '/Users')).status).toBe(401);
    const narrow = scimClient(server, await makeKey(server, ['users:write', 'groups:write'], null));
    const refused = await narrow('GET', '/Users');
    expect(refused.status).toBe(403);
    expect(refused.body.schemas).toEqual([ERROR]);
    // A user's password is no app credential, even an admin's.
    await rest(server, 'POST', '/users', {
      address: 'root@example.com',
      password: 'root-password-1',
      role: 'admin',
    });
    const basic = await fetch(`${server.baseUrl}/scim/v2/Users`, {
      headers: {
        authorization: `Basic ${Buffer.from('root@example.com:root-password-1').toString('base64')}`,
      },
    });
    expect(basic.status).toBe(403);
  });

  it('creates a user as RFC 7644 §3.3 does, and refuses a second with 409 uniqueness', async () => {
    const body = {
      schemas: [USER],
      userName: 'bjensen@example.com',
      externalId: 'bjensen',
      name: { formatted: 'Ms. Barbara J Jensen III', familyName: 'Jensen', givenName: 'Barbara' },
    };
    const made = await scim('POST', '/Users', body);
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({
      schemas: [USER],
      userName: 'bjensen@example.com',
      externalId: 'bjensen',
      displayName: 'Ms. Barbara J Jensen III',
      active: true,
      emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }],
      meta: { resourceType: 'User' },
    });
    expect(made.headers.get('location')).toBe(made.body.meta.location);
    expect(made.body.meta.location).toBe(`${server.baseUrl}/scim/v2/Users/${made.body.id}`);
    expect(made.headers.get('etag')).toBe(made.body.meta.version);
    babs = { id: made.body.id, version: made.body.meta.version };
    const again = await scim('POST', '/Users', body);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ schemas: [ERROR], status: '409', scimType: 'uniqueness' });
    const sameExternal = await scim('POST', '/Users', { ...body, userName: 'b2@example.com' });
    expect(sameExternal.body).toMatchObject({ status: '409', scimType: 'uniqueness' });
    // The user is SCIM-managed in the REST API too.
    const viaRest = await rest(server, 'GET', '/users/bjensen@example.com');
    expect(viaRest.body).toMatchObject({
      source: 'scim',
      hasPassword: false,
      displayName: 'Ms. Barbara J Jensen III',
    });
    const password = await rest(server, 'PATCH', '/users/bjensen@example.com', {
      password: 'a-new-password-1',
    });
    expect(password.status).toBe(409);
    expect(password.body.code).toBe('USER_EXTERNALLY_MANAGED');
  });

  it('filters as RFC 7644 §3.4.2.2 does (case-insensitive names and values)', async () => {
    for (const [userName, displayName] of [
      ['jsmith@example.com', "Jim O'Malley"],
      ['jdoe@example.com', 'Jane Doe'],
      ['zed@example.com', 'Zed'],
    ])
      expect((await scim('POST', '/Users', { schemas: [USER], userName, displayName })).status).toBe(201);
    const names = async (filter: string) => {
      const r = await scim('GET', `/Users?filter=${encodeURIComponent(filter)}`);
      expect(r.status, `${filter}: ${JSON.stringify(r.body)}`).toBe(200);
      expect(r.body.totalResults).toBe(r.body.Resources.length);
      return r.body.Resources.map((u: { userName: string }) => u.userName).sort();
    };
    expect(await names('userName eq "bjensen@example.com"')).toEqual(['bjensen@example.com']);
    expect(await names('USERNAME Eq "BJensen@Example.com"')).toEqual(['bjensen@example.com']);
    expect(await names('displayName co "O\'Malley"')).toEqual(['jsmith@example.com']);
    expect(await names('userName sw "J"')).toEqual(['jdoe@example.com', 'jsmith@example.com']);
    expect(await names('externalId pr')).toEqual(['bjensen@example.com']);
    expect(await names('externalId eq "bjensen"')).toEqual(['bjensen@example.com']);
    expect(await names('meta.lastModified gt "2011-05-13T04:42:34Z"')).toHaveLength(5);
    expect(
      await names('emails[type eq "work" and value co "@example.com"] and userName ew "zed@example.com"'),
    ).toEqual(['zed@example.com']);
    expect(await names('emails.value eq "jdoe@example.com"')).toEqual(['jdoe@example.com']);
    expect(await names('userName sw "j" and not (displayName co "doe")')).toEqual(['jsmith@example.com']);
    expect(await names('displayName eq "Zed" or userName eq "jdoe@example.com"')).toEqual([
      'jdoe@example.com',
      'zed@example.com',
    ]);
    expect(await names('active eq true and userName ne "root@example.com"')).toHaveLength(4);
    expect(await names('userName eq "nobody@example.com"')).toEqual([]);
  });

  it('pages with startIndex and count, and shapes with attributes/excludedAttributes (§3.4.2.4, §3.4.2.5)', async () => {
    const all = await scim('GET', '/Users');
    expect(all.body.totalResults).toBe(5);
    const page = await scim('GET', '/Users?startIndex=2&count=2');
    expect(page.body).toMatchObject({ schemas: [LIST], totalResults: 5, startIndex: 2, itemsPerPage: 2 });
    expect(page.body.Resources.map((u: { id: string }) => u.id)).toEqual(
      all.body.Resources.slice(1, 3).map((u: { id: string }) => u.id),
    );
    expect((await scim('GET', '/Users?startIndex=0&count=-1')).body).toMatchObject({
      startIndex: 1,
      itemsPerPage: 0,
      totalResults: 5,
    });
    const filteredPage = await scim(
      'GET',
      `/Users?filter=${encodeURIComponent('userName sw "j"')}&startIndex=2&count=1`,
    );
    expect(filteredPage.body).toMatchObject({ totalResults: 2, itemsPerPage: 1 });
    const only = await scim('GET', `/Users/${babs.id}?attributes=userName,name.givenName`);
    expect(Object.keys(only.body).sort()).toEqual(['id', 'schemas', 'userName']);
    const without = await scim('GET', `/Users/${babs.id}?excludedAttributes=emails,meta`);
    expect(without.body.emails).toBeUndefined();
    expect(without.body.meta).toBeUndefined();
    expect(without.body.userName).toBe('bjensen@example.com');
    const search = await scim('POST', '/Users/.search', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
      filter: 'userName sw "z"',
      attributes: ['userName'],
    });
    expect(search.body.Resources).toEqual([
      { schemas: [USER], id: expect.any(String), userName: 'zed@example.com' },
    ]);
  });

  it('answers malformed filters, bodies and parameters with 400 and a scimType, never 500 (§3.12)', async () => {
    for (const filter of [
      'userName eq',
      'userName zz "x"',
      '(userName eq "x"',
      'userName eq "x" and',
      'eq "x"',
      'userName eq "open',
      'active gt true',
      'title pr',
      'name co "x"',
      'emails[type eq "work"',
      'userName eq "x")',
      'externalId eq "a\\u0000b"',
      `userName eq "${'x'.repeat(5000)}"`,
      '',
    ]) {
      const r = await scim('GET', `/Users?filter=${encodeURIComponent(filter)}`);
      expect(r.status, filter).toBe(400);
      expect(r.body, filter).toMatchObject({ schemas: [ERROR], status: '400', scimType: 'invalidFilter' });
    }
    const bad = async (method: string, path: string, body: unknown, scimType: string) => {
      const r = await scim(method, path, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body, JSON.stringify(body)).toMatchObject({ schemas: [ERROR], status: '400', scimType });
    };
    await bad('POST', '/Users', '{"schemas": [', 'invalidSyntax');
    await bad('POST', '/Users', [1, 2], 'invalidSyntax');
    await bad('POST', '/Users', { userName: 'x@example.com' }, 'invalidSyntax');
    await bad('POST', '/Users', { schemas: [USER] }, 'invalidValue');
    await bad('POST', '/Users', { schemas: [USER], userName: 5 }, 'invalidValue');
    await bad('POST', '/Users', { schemas: [USER], userName: 'not-an-address' }, 'invalidValue');
    await bad(
      'POST',
      '/Users',
      { schemas: [USER], userName: 'nul@example.com', externalId: 'a\u0000b' },
      'invalidValue',
    );
    await bad('PATCH', `/Users/${babs.id}`, { schemas: [PATCH_OP], Operations: [] }, 'invalidSyntax');
    await bad(
      'PATCH',
      `/Users/${babs.id}`,
      { schemas: [PATCH_OP], Operations: [{ op: 'jump', path: 'x' }] },
      'invalidSyntax',
    );
    await bad(
      'PATCH',
      `/Users/${babs.id}`,
      { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'nickName.zz', value: 1 }] },
      'invalidPath',
    );
    await bad(
      'PATCH',
      `/Users/${babs.id}`,
      { schemas: [PATCH_OP], Operations: [{ op: 'remove' }] },
      'noTarget',
    );
    await bad(
      'PATCH',
      `/Users/${babs.id}`,
      { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'userName', value: 'new@example.com' }] },
      'mutability',
    );
    expect((await scim('GET', '/Users?count=ten')).status).toBe(400);
    const text = await fetch(`${server.baseUrl}/scim/v2/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'text/plain' },
      body: 'x',
    });
    expect(text.status).toBe(415);
    expect(await text.json()).toMatchObject({ schemas: [ERROR], status: '415' });
    const json = await scim(
      'POST',
      '/Users',
      { schemas: [USER], userName: 'plainjson@example.com' },
      { 'content-type': 'application/json' },
    );
    expect(json.status).toBe(201);
    const missing = await scim('GET', '/Users/no-such-id');
    expect(missing).toMatchObject({ status: 404, body: { schemas: [ERROR], status: '404' } });
    expect((await scim('GET', '/Nothing')).status).toBe(404);
  });

  it('guards writes with ETags: If-Match → 412, If-None-Match → 304 (§3.14)', async () => {
    const current = await scim('GET', `/Users/${babs.id}`);
    expect(current.headers.get('etag')).toBe(current.body.meta.version);
    expect(
      (await scim('GET', `/Users/${babs.id}`, undefined, { 'if-none-match': current.body.meta.version }))
        .status,
    ).toBe(304);
    const put = {
      schemas: [USER],
      userName: 'bjensen@example.com',
      externalId: 'bjensen',
      displayName: 'Babs Jensen',
    };
    const stale = await scim('PUT', `/Users/${babs.id}`, put, { 'if-match': 'W/"stale"' });
    expect(stale.status).toBe(412);
    expect(stale.body.schemas).toEqual([ERROR]);
    const ok = await scim('PUT', `/Users/${babs.id}`, put, { 'if-match': current.body.meta.version });
    expect(ok.status).toBe(200);
    expect(ok.body.displayName).toBe('Babs Jensen');
    expect(ok.body.meta.version).not.toBe(current.body.meta.version);
    expect(
      (await scim('DELETE', `/Users/${babs.id}`, undefined, { 'if-match': current.body.meta.version }))
        .status,
    ).toBe(412);
    expect((await scim('GET', `/Users/${babs.id}`)).body.displayName).toBe('Babs Jensen');
  });

  it('patches as RFC 7644 §3.5.2 does: add, replace, remove, with value filters', async () => {
    const group = await scim('POST', '/Groups', { schemas: [GROUP], displayName: 'Tour Guides' });
    expect(group.status).toBe(201);
    const users = (await scim('GET', '/Users')).body.Resources as { id: string; userName: string }[];
    const [a, b, c] = users.filter((u) => u.userName !== 'root@example.com');
    const patch = (...Operations: unknown[]) =>
      scim('PATCH', `/Groups/${group.body.id}`, { schemas: [PATCH_OP], Operations });
    const members = (r: { body: { members?: { value: string }[] } }) =>
      (r.body.members ?? []).map((m) => m.value).sort();
    // §3.5.2.1: add members.
    let r = await patch({
      op: 'add',
      path: 'members',
      value: [
        { display: 'A', $ref: `${server.baseUrl}/scim/v2/Users/${a?.id}`, value: a?.id },
        { value: b?.id },
      ],
    });
    expect(r.status).toBe(200);
    expect(members(r)).toEqual([a?.id, b?.id].sort());
    // §3.5.2.2: remove one member by a value filter.
    r = await patch({ op: 'remove', path: `members[value eq "${a?.id}"]` });
    expect(members(r)).toEqual([b?.id]);
    // §3.5.2.3: replace all members.
    r = await patch({ op: 'replace', path: 'members', value: [{ value: a?.id }, { value: c?.id }] });
    expect(members(r)).toEqual([a?.id, c?.id].sort());
    // The REST API sees the same members.
    const viaRest = await rest(server, 'GET', `/groups/${group.body.id}/members`);
    expect(viaRest.body.items.map((u: { id: string }) => u.id).sort()).toEqual([a?.id, c?.id].sort());
    // Users show the group, read-only.
    expect((await scim('GET', `/Users/${a?.id}`)).body.groups).toEqual([
      {
        value: group.body.id,
        display: 'Tour Guides',
        type: 'direct',
        $ref: `${server.baseUrl}/scim/v2/Groups/${group.body.id}`,
      },
    ]);
    r = await patch({ op: 'remove', path: 'members' });
    expect(members(r)).toEqual([]);
    expect(
      (await patch({ op: 'add', path: 'members', value: [{ value: 'no-such-user' }] })).body,
    ).toMatchObject({ status: '400', scimType: 'invalidValue' });
    // User: §3.5.2 replace of a single attribute and of the enterprise extension.
    const u = await scim('PATCH', `/Users/${a?.id}`, {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'replace', path: 'displayName', value: 'Renamed' },
        { op: 'add', path: `${ENTERPRISE}:department`, value: 'Tours' },
      ],
    });
    expect(u.body).toMatchObject({ displayName: 'Renamed', [ENTERPRISE]: { department: 'Tours' } });
    const restUser = await rest(server, 'GET', `/users/${a?.userName}`);
    expect(restUser.body.departments.map((d: { name: string }) => d.name)).toEqual(['Tours']);
    expect((await scim('DELETE', `/Groups/${group.body.id}`)).status).toBe(204);
    expect((await scim('GET', `/Groups/${group.body.id}`)).status).toBe(404);
  });

  it('keeps each credential to its domain: another tenant’s users and groups are 404', async () => {
    const theirs = (await scim('GET', '/Users')).body.Resources[0];
    expect((await other('GET', `/Users/${theirs.id}`)).status).toBe(404);
    expect(
      (
        await other('PATCH', `/Users/${theirs.id}`, {
          schemas: [PATCH_OP],
          Operations: [{ op: 'replace', path: 'active', value: false }],
        })
      ).status,
    ).toBe(404);
    expect((await other('DELETE', `/Users/${theirs.id}`)).status).toBe(404);
    expect((await other('GET', '/Users')).body.totalResults).toBe(0);
    expect(
      (await other('GET', `/Users?filter=${encodeURIComponent(`userName eq "${theirs.userName}"`)}`)).body
        .totalResults,
    ).toBe(0);
    const intrude = await other('POST', '/Users', { schemas: [USER], userName: 'mallory@example.com' });
    expect(intrude.body).toMatchObject({ status: '400', scimType: 'invalidValue' });
    const group = await scim('POST', '/Groups', { schemas: [GROUP], displayName: 'Private' });
    expect((await other('GET', `/Groups/${group.body.id}`)).status).toBe(404);
    expect((await other('GET', '/Groups')).body.totalResults).toBe(0);
    const theirGroup = await other('POST', '/Groups', {
      schemas: [GROUP],
      displayName: 'Theirs',
      members: [{ value: theirs.id }],
    });
    expect(theirGroup.body).toMatchObject({ status: '400', scimType: 'invalidValue' });
    // A domain-restricted credential does not change an administrator.
    const root = (await scim('GET', `/Users?filter=${encodeURIComponent('userName eq "root@example.com"')}`))
      .body.Resources[0];
    expect(
      (
        await scim('PATCH', `/Users/${root.id}`, {
          schemas: [PATCH_OP],
          Operations: [{ op: 'replace', path: 'active', value: false }],
        })
      ).status,
    ).toBe(403);
    expect((await rest(server, 'GET', '/users/root@example.com')).body.enabled).toBe(true);
  });
});
