import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { basic, bearer } from '../../../testing/build-app.js';
import { buildOAuthTestApi, type OAuthTestApi } from '../../../testing/build-oauth-app.js';

describe('/api/v1/apps', () => {
  let t: OAuthTestApi;
  beforeEach(async () => {
    t = await buildOAuthTestApi();
  });
  afterEach(() => t.close());

  const as =
    (auth: Record<string, string>) =>
    (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
      t.app.inject({ method, url: `/api/v1${url}`, headers: auth, ...(payload ? { payload } : {}) });
  const admin = () => as(bearer(t.keys.admin));
  const exampleKey = () => as(bearer(t.keys.example));
  const narrowKey = () => as(bearer(t.keys.narrow));
  const tokenFor = async (clientId: string, clientSecret: string) => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `grant_type=client_credentials&client_id=${clientId}&client_secret=${clientSecret}`,
    });
    return { status: res.statusCode, body: res.json() };
  };

  it('registers an app, shows its secret once, lists, renames, disables and deletes it', async () => {
    const created = await admin()('POST', '/apps', { name: 'OA system', scopes: ['mail:*', 'users:read'] });
    expect(created.statusCode).toBe(201);
    const { app, clientSecret } = created.json();
    expect(app).toMatchObject({
      name: 'OA system',
      scopes: ['users:read', 'mail:read', 'mail:write'],
      domain: null,
      enabled: true,
      lastUsedAt: null,
      createdAt: expect.stringMatching(/Z$/),
    });
    expect(clientSecret).toMatch(/^jds_/);
    expect((await tokenFor(app.clientId, clientSecret)).status).toBe(200);

    const listed = (await admin()('GET', '/apps')).json();
    expect(listed.items).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toContain(clientSecret);
    expect(listed.items[0].lastUsedAt).toEqual(expect.stringMatching(/Z$/));

    const patched = await admin()('PATCH', `/apps/${app.clientId}`, { name: 'OA', enabled: false });
    expect(patched.json()).toMatchObject({ name: 'OA', enabled: false });
    expect((await tokenFor(app.clientId, clientSecret)).body.error).toBe('invalid_grant');
    expect((await admin()('PATCH', `/apps/${app.clientId}`, {})).statusCode).toBe(422);
    expect((await admin()('PATCH', `/apps/${app.clientId}`, { scopes: ['*'] })).statusCode).toBe(422);

    expect((await admin()('DELETE', `/apps/${app.clientId}`)).statusCode).toBe(204);
    const gone = await admin()('GET', `/apps/${app.clientId}`);
    expect(gone.statusCode).toBe(404);
    expect(gone.json().code).toBe('APP_NOT_FOUND');
  });

  it('rotates the secret: the old one fails, the new one works', async () => {
    const { app, clientSecret } = (
      await admin()('POST', '/apps', { name: 'x', scopes: ['mail:read'] })
    ).json();
    const rotated = await admin()('POST', `/apps/${app.clientId}/rotate-secret`);
    expect(rotated.statusCode).toBe(200);
    const fresh = rotated.json().clientSecret;
    expect(fresh).not.toBe(clientSecret);
    expect((await tokenFor(app.clientId, clientSecret)).body.error).toBe('invalid_client');
    expect((await tokenFor(app.clientId, fresh)).status).toBe(200);
  });

  it('lets a caller grant only scopes it holds', async () => {
    const res = await narrowKey()('POST', '/apps', { name: 'x', scopes: ['mail:read', 'users:write'] });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({
      code: 'INSUFFICIENT_SCOPE',
      detail: expect.stringContaining('users:write'),
    });
    expect((await narrowKey()('POST', '/apps', { name: 'x', scopes: ['*'] })).statusCode).toBe(403);
    expect((await narrowKey()('POST', '/apps', { name: 'x', scopes: ['mail:read'] })).statusCode).toBe(201);
    expect((await narrowKey()('POST', '/apps', { name: 'x', scopes: ['mail:nope'] })).statusCode).toBe(422);
    // Nor may it take over an app with more rights by rotating its secret, or delete it.
    const { app } = (
      await admin()('POST', '/apps', { name: 'big', scopes: ['users:write', 'mail:read'] })
    ).json();
    expect((await narrowKey()('GET', `/apps/${app.clientId}`)).statusCode).toBe(200);
    expect((await narrowKey()('POST', `/apps/${app.clientId}/rotate-secret`)).json().code).toBe(
      'INSUFFICIENT_SCOPE',
    );
    expect((await narrowKey()('DELETE', `/apps/${app.clientId}`)).statusCode).toBe(403);
  });

  it('keeps a domain-restricted caller to apps of its domain', async () => {
    const unrestricted = await exampleKey()('POST', '/apps', { name: 'x', scopes: ['mail:read'] });
    expect(unrestricted.statusCode).toBe(403);
    expect(unrestricted.json().code).toBe('FORBIDDEN');
    const foreign = await exampleKey()('POST', '/apps', {
      name: 'x',
      scopes: ['mail:read'],
      domain: 'other.org',
    });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().code).toBe('DOMAIN_NOT_FOUND');
    const own = await exampleKey()('POST', '/apps', {
      name: 'x',
      scopes: ['mail:read'],
      domain: 'EXAMPLE.com',
    });
    expect(own.statusCode).toBe(201);
    expect(own.json().app.domain).toBe('example.com');

    const global = (await admin()('POST', '/apps', { name: 'g', scopes: ['mail:read'] })).json().app;
    const other = (
      await admin()('POST', '/apps', { name: 'o', scopes: ['mail:read'], domain: 'other.org' })
    ).json().app;
    for (const id of [global.clientId, other.clientId]) {
      expect((await exampleKey()('GET', `/apps/${id}`)).json().code).toBe('APP_NOT_FOUND');
      expect((await exampleKey()('DELETE', `/apps/${id}`)).statusCode).toBe(404);
    }
    const list = (await exampleKey()('GET', '/apps')).json();
    expect(list.items.map((a: { clientId: string }) => a.clientId)).toEqual([own.json().app.clientId]);
    expect((await admin()('GET', '/apps')).json().items).toHaveLength(3);
  });

  it('lets a domain admin manage apps of their domain, and refuses plain users', async () => {
    await t.directory.createUser({
      address: 'boss@example.com',
      password: 'boss-password',
      role: 'domain_admin',
      adminDomains: ['example.com'],
    });
    const boss = as(basic('boss@example.com', 'boss-password'));
    expect(
      (await boss('POST', '/apps', { name: 'x', scopes: ['*'], domain: 'example.com' })).statusCode,
    ).toBe(201);
    expect((await boss('POST', '/apps', { name: 'x', scopes: ['*'] })).statusCode).toBe(403);
    const alice = as(basic('alice@example.com', 'alice-password'));
    expect((await alice('GET', '/apps')).json().code).toBe('INSUFFICIENT_SCOPE');
  });

  it('lets an app with apps:write register apps within its own rights and domain', async () => {
    const parent = (
      await admin()('POST', '/apps', {
        name: 'provisioner',
        scopes: ['apps:write', 'mail:read'],
        domain: 'example.com',
      })
    ).json();
    const { body } = await tokenFor(parent.app.clientId, parent.clientSecret);
    const asApp = as(bearer(body.access_token));
    expect(
      (await asApp('POST', '/apps', { name: 'c', scopes: ['mail:read'], domain: 'example.com' })).statusCode,
    ).toBe(201);
    expect(
      (await asApp('POST', '/apps', { name: 'c', scopes: ['mail:write'], domain: 'example.com' })).statusCode,
    ).toBe(403);
    expect((await asApp('POST', '/apps', { name: 'c', scopes: ['mail:read'] })).statusCode).toBe(403);
  });
});
