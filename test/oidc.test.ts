import { generateKeyPairSync } from 'node:crypto';
import { JdMail } from '@jdmail/sdk';
import { SignJWT } from 'jose';
import type { ClientMetadata } from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OidcIdp, startOidcIdp } from './harness/oidc-idp.js';
import { freePort } from './harness/ports.js';
import { logUntil, startServer, type TestServer } from './harness/server.js';
import { WebClient, type WebResponse } from './harness/web-client.js';

const LOGOUT_EVENT = { 'http://schemas.openid.net/event/backchannel-logout': {} };

/** Fields of the first form of an HTML page: its action and its (hidden) inputs. */
function formOf(page: WebResponse): { action: string; fields: Record<string, string> } {
  const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(page.text);
  if (!form) throw new Error(`no form on ${page.url}:\n${page.text.slice(0, 500)}`);
  const fields: Record<string, string> = {};
  for (const [input] of (form[2] ?? '').matchAll(/<input[^>]*>/g)) {
    const name = /\bname="([^"]+)"/.exec(input)?.[1];
    if (name) fields[name] = /\bvalue="([^"]*)"/.exec(input)?.[1] ?? '';
  }
  return { action: new URL((form[1] as string).replaceAll('&amp;', '&'), page.url).toString(), fields };
}

// OIDC sign-in against a real OpenID Provider (oidc-provider, with its own
// login form) and the real jdmail server, driven over HTTP like a browser.
describe('OIDC single sign-on', () => {
  let idp: OidcIdp;
  let server: TestServer;
  let base: string;
  let admin: JdMail;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const client = (id: string, provider: string): ClientMetadata => ({
      client_id: id,
      client_secret: `${id}-secret`,
      redirect_uris: [`${base}/auth/oidc/${provider}/callback`],
      post_logout_redirect_uris: [`${base}/login?error=signed_out`],
      backchannel_logout_uri: `${base}/auth/oidc/${provider}/backchannel-logout`,
      backchannel_logout_session_required: true,
      grant_types: ['authorization_code'],
      response_types: ['code'],
    });
    idp = await startOidcIdp({
      clients: [client('jdmail', 'corp'), client('jdmail-staff', 'staff')],
      accounts: [
        { id: 'alice', email: 'alice@example.com', password: 'idp-alice', name: 'Alice Liddell' },
        { id: 'bob', email: 'bob@example.com', password: 'idp-bob' },
        { id: 'zoe', email: 'zoe@elsewhere.test', password: 'idp-zoe', name: 'Zoe New' },
        { id: 'mallory', email: 'mallory@example.com', password: 'idp-mallory' },
      ],
      title: 'Corp Login',
    });
    const providers = [
      {
        id: 'corp',
        name: 'Corp account',
        issuer: idp.issuer,
        clientId: 'jdmail',
        clientSecret: 'jdmail-secret',
      },
      {
        id: 'staff',
        name: 'Staff login',
        issuer: idp.issuer,
        clientId: 'jdmail-staff',
        clientSecret: 'jdmail-staff-secret',
        claim: 'preferred_username',
        domain: 'example.com',
        jit: { domain: 'example.com', group: 'New staff' },
      },
    ];
    server = await startServer({
      env: { JDMAIL_HTTP_PORT: String(port), JDMAIL_SSO_OIDC: JSON.stringify(providers) },
    });
    admin = new JdMail({ baseUrl: base, token: server.adminKey ?? '' });
    await admin.domains.create('example.com');
    await admin.users.create({ address: 'alice@example.com', displayName: 'Alice' });
    await admin.users.create({ address: 'bob@example.com' });
    await admin.users.create({ address: 'mallory@example.com' });
    await admin.users.disable('mallory@example.com');
    await admin.groups.create({ domain: 'example.com', name: 'New staff', kind: 'department' });
    await admin.mail.send('bob@example.com', {
      to: ['alice@example.com'],
      subject: 'Welcome back',
      text: 'hi',
    });
  });
  afterAll(async () => {
    await server?.destroy();
    await idp?.close();
  });

  /** Start → the IdP's own login form → sign in there → back at jdmail's callback; returns its answer. */
  async function signIn(
    browser: WebClient,
    provider: string,
    login: string,
    password: string,
    redirect = '/',
  ) {
    const start = await browser.get(
      `${base}/auth/oidc/${provider}/start?redirect=${encodeURIComponent(redirect)}`,
    );
    expect(start.location?.startsWith(`${idp.issuer}/auth?`)).toBe(true);
    const hops = await browser.follow(start);
    const page = hops[hops.length - 1] as WebResponse;
    expect(page.status).toBe(200);
    expect(page.text).toContain('Corp Login');
    const form = formOf(page);
    const posted = await browser.postForm(form.action, { login, password });
    const back = await browser.follow(posted, (r) =>
      r.url.startsWith(`${base}/auth/oidc/${provider}/callback`),
    );
    return back[back.length - 1] as WebResponse;
  }

  it('lists both providers on the login page', async () => {
    const res = await new WebClient().get(`${base}/auth/config`);
    expect(res.json()).toEqual({
      passwordLogin: true,
      providers: [
        { id: 'corp', name: 'Corp account', kind: 'oidc', startUrl: '/auth/oidc/corp/start' },
        { id: 'staff', name: 'Staff login', kind: 'oidc', startUrl: '/auth/oidc/staff/start' },
      ],
    });
  });

  it('signs in through the IdP’s login form (code + PKCE), then reads the inbox with the session', async () => {
    const browser = new WebClient();
    const start = await browser.get(`${base}/auth/oidc/corp/start?redirect=/m/42`);
    const authorize = new URL(start.location as string);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorize.searchParams.get('scope')).toBe('openid email profile');

    const callback = await signIn(browser, 'corp', 'alice', 'idp-alice', '/m/42');
    expect(callback.status).toBe(302);
    expect(callback.location).toBe(`${base}/m/42`);
    const session = await browser.get(`${base}/auth/session`);
    expect(session.json<{ user: unknown }>().user).toEqual({
      address: 'alice@example.com',
      displayName: 'Alice',
    });
    const inbox = await browser.get(`${base}/api/v1/users/alice@example.com/messages?unread=true`);
    expect(inbox.json<{ items: { subject: string }[] }>().items.map((m) => m.subject)).toEqual([
      'Welcome back',
    ]);

    // A replayed callback (same code and state) signs nobody in.
    const replay = await new WebClient().get(callback.url);
    expect(replay.location).toBe(`${base}/login?error=sso_failed`);
    const log = await logUntil(server, /"audit":"oidc.login".*"result":"refused".*pending sign-in unknown/);
    expect(log).not.toContain(new URL(callback.url).searchParams.get('code') as string);
  });

  it('ends the session when the IdP sends a back-channel logout', async () => {
    const browser = new WebClient();
    await signIn(browser, 'corp', 'bob', 'idp-bob');
    expect((await browser.get(`${base}/auth/session`)).status).toBe(200);
    const other = new WebClient();
    await signIn(other, 'corp', 'alice', 'idp-alice');

    await idp.backchannelLogout('bob');
    expect((await browser.get(`${base}/auth/session`)).status).toBe(401);
    expect((await browser.get(`${base}/api/v1/users/bob@example.com/messages`)).status).toBe(401);
    expect((await other.get(`${base}/auth/session`)).status).toBe(200); // alice is untouched
    const sessions = await admin.sso.listSessions('bob@example.com');
    expect(sessions).toEqual([]);
  });

  it('refuses forged, replayed and malformed logout tokens, ending nothing', async () => {
    await signIn(new WebClient(), 'corp', 'bob', 'idp-bob');
    await idp.backchannelLogout('bob');
    const used = idp.logoutTokens[idp.logoutTokens.length - 1] as string;
    const browser = new WebClient();
    await signIn(browser, 'corp', 'alice', 'idp-alice');
    const url = `${base}/auth/oidc/corp/backchannel-logout`;
    const post = (logoutToken: string) => new WebClient().postForm(url, { logout_token: logoutToken });
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: idp.issuer, aud: 'jdmail', iat: now, sub: 'alice', events: LOGOUT_EVENT };

    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forged = await new SignJWT({ ...claims, jti: 'forged-1' })
      .setProtectedHeader({ alg: 'RS256', kid: 'attacker', typ: 'logout+jwt' })
      .sign(privateKey);
    const cases: [string, string, RegExp][] = [
      ['forged signature', forged, /key|signature/],
      ['replayed token', used, /already used/],
      ['wrong audience', await idp.sign({ ...claims, aud: 'someone-else', jti: 'aud-1' }), /aud/],
      ['with a nonce', await idp.sign({ ...claims, nonce: 'n', jti: 'nonce-1' }), /nonce/],
      ['without the event', await idp.sign({ ...claims, events: {}, jti: 'ev-1' }), /event/],
      ['without sub or sid', await idp.sign({ ...claims, sub: undefined, jti: 'who-1' }), /sub nor sid/],
      ['too old', await idp.sign({ ...claims, iat: now - 3600, jti: 'old-1' }), /iat|expired/],
      ['not a JWT', 'not-a-jwt', /invalid/],
    ];
    for (const [what, token, reason] of cases) {
      const res = await post(token);
      expect(res.status, what).toBe(400);
      expect(res.headers.get('cache-control'), what).toBe('no-store');
      const body = res.json<{ error: string; error_description: string }>();
      expect(body.error, what).toBe('invalid_request');
      expect(body.error_description, what).toMatch(reason);
    }
    const missing = await new WebClient().postForm(url, {});
    expect(missing.status).toBe(400);
    expect((await browser.get(`${base}/auth/session`)).status).toBe(200);

    // The genuine article, signed by the IdP's key with a fresh jti, works — once.
    const genuine = await idp.sign({ ...claims, jti: 'genuine-1' });
    expect((await post(genuine)).status).toBe(200);
    expect((await browser.get(`${base}/auth/session`)).status).toBe(401);
    expect((await post(genuine)).status).toBe(400);
  });

  it('creates an unknown user at first sign-in (JIT) into the configured department', async () => {
    const browser = new WebClient();
    const callback = await signIn(browser, 'staff', 'zoe', 'idp-zoe');
    expect(callback.location).toBe(`${base}/`);
    const zoe = await admin.users.get('zoe@example.com');
    expect(zoe).toMatchObject({ displayName: 'Zoe New', hasPassword: false, enabled: true });
    const [dept] = await admin.groups.tree('example.com');
    expect((await admin.groups.members(dept?.id ?? '')).map((u) => u.address)).toEqual(['zoe@example.com']);
    expect((await browser.get(`${base}/api/v1/users/zoe@example.com/messages`)).status).toBe(200);
  });

  it('refuses users it cannot map: unknown without JIT, disabled, or another browser’s callback', async () => {
    const zoe = new WebClient();
    const unknown = await signIn(zoe, 'corp', 'zoe', 'idp-zoe'); // zoe@elsewhere.test has no mailbox
    expect(unknown.location).toBe(`${base}/login?error=sso_failed`);
    expect(zoe.cookie('jdmail_session')).toBeUndefined();
    const disabled = await signIn(new WebClient(), 'corp', 'mallory', 'idp-mallory');
    expect(disabled.location).toBe(`${base}/login?error=sso_failed`);

    // An attacker signs in at the IdP, stops before the callback and sends the URL to a victim.
    const attacker = new WebClient();
    const start = await attacker.get(`${base}/auth/oidc/corp/start`);
    const page = (await attacker.follow(start)).pop() as WebResponse;
    const posted = await attacker.postForm(formOf(page).action, { login: 'bob', password: 'idp-bob' });
    const hops = await attacker.follow(posted, (r) =>
      (r.location ?? '').startsWith(`${base}/auth/oidc/corp/callback`),
    );
    const victim = new WebClient();
    const res = await victim.get(hops[hops.length - 1]?.location as string);
    expect(res.location).toBe(`${base}/login?error=sso_failed`);
    expect(victim.cookie('jdmail_session')).toBeUndefined();
  });

  it('signs out at the IdP too: /auth/logout returns the end-session URL with the ID token hint', async () => {
    const browser = new WebClient();
    await signIn(browser, 'corp', 'alice', 'idp-alice');
    const { csrfToken } = (await browser.get(`${base}/auth/session`)).json<{ csrfToken: string }>();
    const out = await browser.request(`${base}/auth/logout`, {
      method: 'POST',
      headers: { 'x-csrf-token': csrfToken },
    });
    const { redirect } = out.json<{ redirect: string }>();
    const endSession = new URL(redirect);
    expect(endSession.origin + endSession.pathname).toBe(`${idp.issuer}/session/end`);
    expect(endSession.searchParams.get('id_token_hint')?.split('.')).toHaveLength(3);
    expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(`${base}/login?error=signed_out`);
    expect((await browser.get(`${base}/auth/session`)).status).toBe(401);

    const confirm = await browser.get(redirect);
    expect(confirm.text).toContain('Yes, sign me out');
    const form = formOf(confirm);
    const done = await browser.postForm(form.action, { ...form.fields, logout: 'yes' });
    const hops = await browser.follow(done, (r) => (r.location ?? '').startsWith(`${base}/login`));
    expect(hops[hops.length - 1]?.location).toBe(`${base}/login?error=signed_out`);
    // Signed out at the IdP as well: starting again shows its login form.
    const again = await browser.follow(await browser.get(`${base}/auth/oidc/corp/start`));
    expect(again[again.length - 1]?.text).toContain('name="password"');
  });
});
