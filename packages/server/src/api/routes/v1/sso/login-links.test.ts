import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../../../testing/build-app.js';
import { buildWebApi, cookieFrom, type WebTestApi } from '../../../testing/build-web-app.js';

const JSON_HEADERS = { 'content-type': 'application/json' };

describe('one-click login links', () => {
  let t: WebTestApi;
  let issuerKey: string;
  let exampleKey: string;

  beforeAll(async () => {
    t = await buildWebApi({ env: { JDMAIL_HTTP_PUBLIC_URL: 'https://mail.example.com' } });
    await t.directory.createUser({ address: 'alice@example.com', displayName: 'Alice' });
    await t.directory.createUser({ address: 'root@example.com', role: 'admin' });
    await t.directory.createUser({ address: 'olga@other.org' });
    issuerKey = (await t.directory.createApiKey({ name: 'portal', scopes: ['sso:issue'] })).key;
    exampleKey = (
      await t.directory.createApiKey({ name: 'oa', scopes: ['sso:issue'], domain: 'example.com' })
    ).key;
  });
  afterAll(() => t.close());

  const create = (key: string, body: object) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/sso/login-links',
      headers: { ...bearer(key), ...JSON_HEADERS },
      payload: body,
    });
  const open = (url: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url: new URL(url).pathname, headers });

  it('issues a link under the public URL that signs in once and lands on its path', async () => {
    const res = await create(issuerKey, { user: 'Alice@example.com', redirect: '/m/123' });
    expect(res.statusCode).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const { url, expiresAt } = res.json();
    expect(url).toMatch(/^https:\/\/mail\.example\.com\/auth\/link\/[A-Za-z0-9_-]{43}$/);
    const ttl = Date.parse(expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(55_000);
    expect(ttl).toBeLessThanOrEqual(60_000);

    const first = await open(url);
    expect(first.statusCode).toBe(302);
    expect(first.headers.location).toBe('/m/123');
    const cookie = cookieFrom(first.headers['set-cookie'], 'jdmail_session') as string;
    expect(String(first.headers['set-cookie'])).toMatch(/HttpOnly; Secure; SameSite=Lax/); // public URL is https
    const session = await t.app.inject({ method: 'GET', url: '/auth/session', headers: { cookie } });
    expect(session.json().user).toEqual({ address: 'alice@example.com', displayName: 'Alice' });

    const replay = await open(url);
    expect(replay.statusCode).toBe(302);
    expect(replay.headers.location).toBe('/login?error=link_invalid');
    expect(replay.headers['set-cookie']).toBeUndefined();
    const token = new URL(url).pathname.split('/').pop() as string;
    expect(t.logLines.join('')).not.toContain(token);
    const audit = await t.sso.audit.list({ subject: 'alice@example.com' });
    expect(audit.map((a) => `${a.event} ${a.result}`)).toEqual([
      'login_link.use used',
      'login_link.use ok',
      'login_link.issue ok',
    ]);
  });

  it('does not use up a link on HEAD (link checkers and mail scanners send those)', async () => {
    const { url } = (await create(issuerKey, { user: 'alice@example.com' })).json();
    const head = await t.app.inject({ method: 'HEAD', url: new URL(url).pathname });
    expect(head.statusCode).toBe(404);
    const get = await open(url);
    expect(get.headers.location).toBe('/');
    expect(cookieFrom(get.headers['set-cookie'], 'jdmail_session')).toBeDefined();
  });

  it('answers a forged or malformed link with the login page and no session', async () => {
    for (const path of [
      '/auth/link/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      '/auth/link/..%2F..%2Fetc',
    ]) {
      const res = await t.app.inject({ method: 'GET', url: path });
      expect(res.statusCode).toBe(302);
      expect(res.headers.location).toBe('/login?error=link_invalid');
      expect(res.headers['set-cookie']).toBeUndefined();
    }
  });

  it('refuses a foreign redirect with 422 naming the field', async () => {
    for (const redirect of [
      'https://evil.example/',
      '//evil.example',
      '/\\evil.example',
      '/api/v1/domains',
      '/auth/logout',
    ]) {
      const res = await create(issuerKey, { user: 'alice@example.com', redirect });
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'redirect' }] });
    }
  });

  it('refuses a lifetime above 300 s', async () => {
    const res = await create(issuerKey, { user: 'alice@example.com', ttlSeconds: 301 });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors[0].field).toBe('ttlSeconds');
  });

  it('honours scopes, the domain restriction and rank', async () => {
    const other = await create(exampleKey, { user: 'olga@other.org' });
    expect(other.statusCode).toBe(404);
    expect(other.json().code).toBe('USER_NOT_FOUND');
    const admin = await create(exampleKey, { user: 'root@example.com' });
    expect(admin.statusCode).toBe(403); // a restricted key must not become a system admin
    const mailKey = (await t.directory.createApiKey({ name: 'reader', scopes: ['mail:read'] })).key;
    const noScope = await create(mailKey, { user: 'alice@example.com' });
    expect(noScope.statusCode).toBe(403);
    expect(noScope.json().code).toBe('INSUFFICIENT_SCOPE');
    expect((await create(exampleKey, { user: 'alice@example.com' })).statusCode).toBe(201);
    expect((await create(issuerKey, { user: 'nobody@example.com' })).statusCode).toBe(404);
  });

  it('takes its base from the request when no public URL is set', async () => {
    const u = await buildWebApi();
    try {
      await u.directory.createUser({ address: 'bob@example.com' });
      const res = await u.app.inject({
        method: 'POST',
        url: '/api/v1/sso/login-links',
        headers: { ...bearer(u.adminKey), ...JSON_HEADERS, host: 'webmail.corp.test:8080' },
        payload: { user: 'bob@example.com' },
      });
      expect(res.json().url).toMatch(/^http:\/\/webmail\.corp\.test:8080\/auth\/link\//);
    } finally {
      await u.close();
    }
  });
});
