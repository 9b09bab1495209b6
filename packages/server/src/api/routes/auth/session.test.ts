import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../../testing/build-app.js';
import { buildWebApi, cookieFrom, type WebTestApi } from '../../testing/build-web-app.js';

const JSON_HEADERS = { 'content-type': 'application/json' };

describe('web sign-in with a password', () => {
  let t: WebTestApi;
  beforeAll(async () => {
    t = await buildWebApi({ env: { JDMAIL_HTTP_TRUST_PROXY: '127.0.0.1' } });
    await t.directory.createUser({
      address: 'alice@example.com',
      password: 'alice-password',
      displayName: 'Alice',
    });
    await t.directory.createUser({ address: 'bob@example.com', password: 'bob-password' });
  });
  afterAll(() => t.close());

  const login = (body: object, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url: '/auth/login',
      headers: { ...JSON_HEADERS, ...headers },
      payload: body,
    });

  async function signIn(address = 'alice@example.com', password = 'alice-password') {
    const res = await login({ address, password });
    expect(res.statusCode).toBe(200);
    return { cookie: cookieFrom(res.headers['set-cookie'], 'jdmail_session') as string, body: res.json() };
  }

  it('answers the sign-in methods of the login page', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/auth/config' });
    expect(res.json()).toEqual({ passwordLogin: true, providers: [] });
  });

  it('signs in, sets an HttpOnly SameSite=Lax cookie and answers the user and CSRF token', async () => {
    const res = await login({ address: 'Alice@Example.com', password: 'alice-password' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ user: { address: 'alice@example.com', displayName: 'Alice' } });
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(11.9 * 3600_000);
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(
      /^jdmail_session=[A-Za-z0-9_-]{43}; Max-Age=43\d\d\d; Path=\/; HttpOnly; SameSite=Lax$/,
    );
    expect(t.logLines.join('')).not.toContain('alice-password');
  });

  it('marks the cookie Secure when the request came over TLS through a trusted proxy', async () => {
    const viaProxy = await login(
      { address: 'alice@example.com', password: 'alice-password' },
      { 'x-forwarded-proto': 'https' },
    );
    expect(String(viaProxy.headers['set-cookie'])).toMatch(/; Secure/);
    const untrusted = await t.app.inject({
      method: 'POST',
      url: '/auth/login',
      headers: { ...JSON_HEADERS, 'x-forwarded-proto': 'https' },
      payload: { address: 'alice@example.com', password: 'alice-password' },
      remoteAddress: '192.0.2.44',
    });
    expect(String(untrusted.headers['set-cookie'])).not.toMatch(/Secure/);
  });

  it('refuses a wrong password and an unknown user alike, and a bad body with 422', async () => {
    for (const body of [
      { address: 'alice@example.com', password: 'nope-nope' },
      { address: 'ghost@example.com', password: 'nope-nope' },
    ]) {
      const res = await login(body);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ code: 'UNAUTHENTICATED', detail: 'Wrong address or password' });
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(res.headers['www-authenticate']).toBe('Bearer realm="jdmail"'); // no browser password dialog
    }
    const bad = await login({ address: 'alice@example.com' });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors).toEqual([
      { field: 'password', message: "must have required property 'password'" },
    ]);
  });

  it('takes JSON only, so a cross-site HTML form cannot sign a browser in (login CSRF)', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/auth/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'address=alice%40example.com&password=alice-password',
    });
    expect(res.statusCode).toBe(415);
  });

  it('authenticates /api/v1 calls with the cookie as the user, with the user’s rights only', async () => {
    const { cookie } = await signIn();
    t.mail.add('alice@example.com', { subject: 'Hello Alice' });
    const own = await t.app.inject({
      method: 'GET',
      url: '/api/v1/users/alice@example.com/messages',
      headers: { cookie },
    });
    expect(own.statusCode).toBe(200);
    expect(own.json().items.map((m: { subject: string }) => m.subject)).toContain('Hello Alice');
    const other = await t.app.inject({
      method: 'GET',
      url: '/api/v1/users/bob@example.com/messages',
      headers: { cookie },
    });
    expect(other.statusCode).toBe(404);
    const admin = await t.app.inject({ method: 'GET', url: '/api/v1/domains', headers: { cookie } });
    expect(admin.statusCode).toBe(403);
  });

  it('refuses a state-changing call with the cookie but without the right X-CSRF-Token', async () => {
    const { cookie, body } = await signIn();
    const m = t.mail.add('alice@example.com');
    const url = `/api/v1/users/alice@example.com/messages/${m.id}`;
    const patch = (headers: Record<string, string>) =>
      t.app.inject({
        method: 'PATCH',
        url,
        headers: { cookie, ...JSON_HEADERS, ...headers },
        payload: { unread: false },
      });
    const none = await patch({});
    expect(none.statusCode).toBe(403);
    expect(none.json()).toMatchObject({ code: 'CSRF_FAILED' });
    expect((await patch({ 'x-csrf-token': 'x'.repeat(43) })).json().code).toBe('CSRF_FAILED');
    expect(t.mail.messages.get(m.id)?.unread).toBe(true);
    const ok = await patch({ 'x-csrf-token': body.csrfToken });
    expect(ok.statusCode).toBe(200);
    expect(t.mail.messages.get(m.id)?.unread).toBe(false);
  });

  it('ignores the cookie when an Authorization header is sent', async () => {
    const { cookie } = await signIn();
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/users/alice@example.com/messages',
      headers: { cookie, authorization: 'Bearer jdk_wrong' },
    });
    expect(res.statusCode).toBe(401);
    const key = await t.app.inject({
      method: 'POST',
      url: '/api/v1/domains',
      headers: { cookie, ...bearer(t.adminKey), ...JSON_HEADERS },
      payload: { name: 'third.net' },
    });
    expect(key.statusCode).toBe(201); // no CSRF needed: the key authenticated, not the cookie
  });

  it('rotates the session id on sign-in: the cookie sent with it stops working', async () => {
    const first = await signIn();
    const again = await t.app.inject({
      method: 'POST',
      url: '/auth/login',
      headers: { ...JSON_HEADERS, cookie: first.cookie },
      payload: { address: 'alice@example.com', password: 'alice-password' },
    });
    const second = cookieFrom(again.headers['set-cookie'], 'jdmail_session') as string;
    expect(second).not.toBe(first.cookie);
    const old = await t.app.inject({
      method: 'GET',
      url: '/auth/session',
      headers: { cookie: first.cookie },
    });
    expect(old.statusCode).toBe(401);
    const fresh = await t.app.inject({ method: 'GET', url: '/auth/session', headers: { cookie: second } });
    expect(fresh.json().user.address).toBe('alice@example.com');
  });

  it('reports the session and signs out (with the CSRF token), after which the cookie is dead', async () => {
    const { cookie, body } = await signIn('bob@example.com', 'bob-password');
    const session = await t.app.inject({ method: 'GET', url: '/auth/session', headers: { cookie } });
    expect(session.json()).toEqual(body);
    const noToken = await t.app.inject({ method: 'POST', url: '/auth/logout', headers: { cookie } });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json().code).toBe('CSRF_FAILED');
    const out = await t.app.inject({
      method: 'POST',
      url: '/auth/logout',
      headers: { cookie, 'x-csrf-token': body.csrfToken },
    });
    expect(out.statusCode).toBe(200);
    expect(out.json()).toEqual({ redirect: null });
    expect(String(out.headers['set-cookie'])).toMatch(
      /^jdmail_session=; Max-Age=0;|jdmail_session=;.*Expires=Thu, 01 Jan 1970/,
    );
    const after = await t.app.inject({ method: 'GET', url: '/auth/session', headers: { cookie } });
    expect(after.statusCode).toBe(401);
    const api = await t.app.inject({
      method: 'GET',
      url: '/api/v1/users/bob@example.com/messages',
      headers: { cookie },
    });
    expect(api.statusCode).toBe(401);
    expect(api.headers['www-authenticate']).toBe('Bearer realm="jdmail"');
  });

  it('ends the sessions of a disabled user and of a user whose password changed', async () => {
    await t.directory.createUser({ address: 'carol@example.com', password: 'carol-password' });
    const a = await signIn('carol@example.com', 'carol-password');
    await t.directory.updateUser('carol@example.com', { password: 'carol-new-password' });
    expect(
      (await t.app.inject({ method: 'GET', url: '/auth/session', headers: { cookie: a.cookie } })).statusCode,
    ).toBe(401);
    const b = await signIn('carol@example.com', 'carol-new-password');
    await t.directory.updateUser('carol@example.com', { enabled: false });
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/users/carol@example.com/messages',
      headers: { cookie: b.cookie },
    });
    expect(res.statusCode).toBe(401);
  });

  it('lists a user’s sessions to them and their admins, and lets admins end them', async () => {
    await t.directory.createUser({ address: 'dave@example.com', password: 'dave-password' });
    const one = await signIn('dave@example.com', 'dave-password');
    const two = await signIn('dave@example.com', 'dave-password');
    const mine = await t.app.inject({
      method: 'GET',
      url: '/api/v1/users/dave@example.com/sessions',
      headers: { cookie: two.cookie },
    });
    expect(mine.statusCode).toBe(200);
    const items = mine.json().items;
    expect(items).toHaveLength(2);
    expect(items[0]).toMatchObject({
      method: 'password',
      channel: 'web',
      provider: null,
      current: true,
      ip: '127.0.0.1',
    });
    expect(items[1].current).toBe(false);
    expect(JSON.stringify(items)).not.toContain(two.body.csrfToken);
    const selfDelete = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/users/dave@example.com/sessions/${items[1].id}`,
      headers: { cookie: two.cookie, 'x-csrf-token': two.body.csrfToken },
    });
    expect(selfDelete.statusCode).toBe(403); // ending sessions is an admin's act
    const byAdmin = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/users/dave@example.com/sessions/${items[1].id}`,
      headers: bearer(t.adminKey),
    });
    expect(byAdmin.statusCode).toBe(204);
    expect(
      (await t.app.inject({ method: 'GET', url: '/auth/session', headers: { cookie: one.cookie } }))
        .statusCode,
    ).toBe(401);
    const unknown = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/users/dave@example.com/sessions/${items[1].id}`,
      headers: bearer(t.adminKey),
    });
    expect(unknown.json().code).toBe('SESSION_NOT_FOUND');
    const all = await t.app.inject({
      method: 'DELETE',
      url: '/api/v1/users/dave@example.com/sessions',
      headers: bearer(t.adminKey),
    });
    expect(all.statusCode).toBe(204);
    expect(
      (await t.app.inject({ method: 'GET', url: '/auth/session', headers: { cookie: two.cookie } }))
        .statusCode,
    ).toBe(401);
  });

  it('hides another domain’s user’s sessions from a domain-restricted key', async () => {
    const { key } = await t.directory.createApiKey({
      name: 'other',
      scopes: ['users:read', 'users:write'],
      domain: 'other.org',
    });
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/users/alice@example.com/sessions',
      headers: bearer(key),
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('USER_NOT_FOUND');
  });

  it('answers 429 with Retry-After once failures from one address pile up, before checking the password', async () => {
    await t.directory.createUser({ address: 'erin@example.com', password: 'erin-password' });
    const from = (password: string, ip: string) =>
      t.app.inject({
        method: 'POST',
        url: '/auth/login',
        headers: JSON_HEADERS,
        payload: { address: 'erin@example.com', password },
        remoteAddress: ip,
      });
    let res = await from('wrong-1', '198.51.100.9');
    for (let i = 0; i < 10 && res.statusCode === 401; i++) res = await from('wrong-1', '198.51.100.9');
    expect(res.statusCode).toBe(429);
    expect(res.json().code).toBe('RATE_LIMITED');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    // Even the right password waits: the answer must not reveal whether a guess was right.
    expect((await from('erin-password', '198.51.100.9')).statusCode).toBe(429);
    // Erin, from her own address, is not locked out by the stranger.
    expect((await from('erin-password', '203.0.113.20')).statusCode).toBe(200);
  });
});

describe('web sign-in turned off', () => {
  let t: WebTestApi;
  beforeAll(async () => {
    t = await buildWebApi({ env: { JDMAIL_SSO_PASSWORD_LOGIN: 'false' } });
    await t.directory.createUser({ address: 'alice@example.com', password: 'alice-password' });
  });
  afterAll(() => t.close());

  it('says so in /auth/config and refuses /auth/login', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/auth/config' })).json().passwordLogin).toBe(false);
    const res = await t.app.inject({
      method: 'POST',
      url: '/auth/login',
      headers: JSON_HEADERS,
      payload: { address: 'alice@example.com', password: 'alice-password' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.headers['set-cookie']).toBeUndefined();
  });
});
