import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOGIN_RULES } from '../../../limits/index.js';
import { basic, bearer } from '../../testing/build-app.js';
import { buildOAuthTestApi, type OAuthTestApi, TEST_ISSUER } from '../../testing/build-oauth-app.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const basicClient = (id: string, secret: string) => ({
  authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`,
});

describe('POST /api/v1/oauth/token and app tokens in the API', () => {
  let t: OAuthTestApi;
  let client: { clientId: string; clientSecret: string };
  let exampleClient: { clientId: string; clientSecret: string };

  beforeEach(async () => {
    t = await buildOAuthTestApi();
    const a = await t.oauth.apps.create({ name: 'portal', scopes: ['mail:read', 'users:read'] });
    client = { clientId: a.app.clientId, clientSecret: a.clientSecret };
    const b = await t.oauth.apps.create({
      name: 'oa',
      scopes: ['mail:*', 'users:read'],
      domain: 'example.com',
    });
    exampleClient = { clientId: b.app.clientId, clientSecret: b.clientSecret };
    t.mail.add('alice@example.com', { subject: 'For Alice' });
    t.mail.add('carol@other.org', { subject: 'For Carol' });
  });
  afterEach(() => t.close());

  const token = (payload: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: '/api/v1/oauth/token', headers: { ...FORM, ...headers }, payload });
  const accessToken = async (c: { clientId: string; clientSecret: string }, scope = '') => {
    const res = await token(
      `grant_type=client_credentials${scope ? `&scope=${encodeURIComponent(scope)}` : ''}`,
      basicClient(c.clientId, c.clientSecret),
    );
    expect(res.statusCode).toBe(200);
    return res.json().access_token as string;
  };
  const get = (url: string, auth: Record<string, string>) =>
    t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: auth });

  describe('the token endpoint', () => {
    it('issues a token for client_secret_basic, never cached', async () => {
      const res = await token(
        'grant_type=client_credentials',
        basicClient(client.clientId, client.clientSecret),
      );
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers.pragma).toBe('no-cache');
      const body = res.json();
      expect(body).toEqual({
        access_token: expect.stringMatching(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/),
        token_type: 'Bearer',
        expires_in: 600,
        scope: 'users:read mail:read',
      });
    });

    it('issues a narrowed token for client_secret_post', async () => {
      const res = await token(
        `grant_type=client_credentials&scope=mail%3Aread&client_id=${client.clientId}&client_secret=${client.clientSecret}`,
      );
      expect(res.statusCode).toBe(200);
      expect(res.json().scope).toBe('mail:read');
    });

    it.each([
      [
        'a JSON body',
        { 'content-type': 'application/json' },
        '{"grant_type":"client_credentials"}',
        400,
        'invalid_request',
      ],
      ['no body', {}, '', 400, 'invalid_request'],
      ['a password grant', {}, 'grant_type=password&username=a&password=b', 400, 'unsupported_grant_type'],
      [
        'a repeated parameter',
        {},
        'grant_type=client_credentials&grant_type=client_credentials',
        400,
        'invalid_request',
      ],
      ['a scope the app lacks', {}, 'grant_type=client_credentials&scope=mail%3Awrite', 400, 'invalid_scope'],
      [
        'an oversized body',
        {},
        `grant_type=client_credentials&x=${'a'.repeat(9000)}`,
        400,
        'invalid_request',
      ],
    ])('answers %s with an OAuth error, not problem+json', async (_what, headers, payload, status, error) => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/oauth/token',
        headers: { ...FORM, ...basicClient(client.clientId, client.clientSecret), ...headers },
        ...(payload ? { payload } : {}),
      });
      expect(res.statusCode).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.json()).toEqual({ error, error_description: expect.any(String) });
    });

    it('answers a wrong secret with 401 invalid_client and a Basic challenge', async () => {
      const res = await token(
        'grant_type=client_credentials',
        basicClient(client.clientId, exampleClient.clientSecret),
      );
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Basic realm="jdmail"/);
      expect(res.json().error).toBe('invalid_client');
      const post = await token(
        `grant_type=client_credentials&client_id=${client.clientId}&client_secret=nope`,
      );
      expect(post.statusCode).toBe(401);
    });

    it('answers a disabled app with invalid_grant', async () => {
      await t.oauth.apps.update(client.clientId, { enabled: false });
      const res = await token(
        'grant_type=client_credentials',
        basicClient(client.clientId, client.clientSecret),
      );
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: 'invalid_grant', error_description: 'This app is disabled' });
    });

    it('counts wrong secrets with wrong keys per address, 429 past the budget, and always takes the right one', async () => {
      const wrong = () => token('grant_type=client_credentials', basicClient(client.clientId, 'jds_guess'));
      const right = () =>
        token('grant_type=client_credentials', basicClient(client.clientId, client.clientSecret));
      for (let i = 0; i < LOGIN_RULES.secrets.free; i++) expect((await wrong()).statusCode).toBe(401);
      // Wrong API keys from the same address count in the same budget.
      expect((await get('/domains', bearer('jdk_guess'))).statusCode).toBe(401);
      const res = await wrong();
      expect(res.statusCode).toBe(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(res.json().error).toBe('temporarily_unavailable');
      // The right secret is checked first: a flood of wrong ones from its address cannot hold the app up.
      expect((await right()).statusCode).toBe(200);
      // Nor do wrong client secrets count against passwords.
      expect(
        (await get('/users/alice@example.com', basic('alice@example.com', 'alice-password'))).statusCode,
      ).toBe(200);
    });

    it('never logs the secret or the token', async () => {
      const res = await token(
        `grant_type=client_credentials&client_id=${client.clientId}&client_secret=${client.clientSecret}`,
      );
      await get('/users/alice@example.com/messages', bearer(res.json().access_token));
      const logs = t.logLines.join('\n');
      expect(logs).toContain('app token issued');
      expect(logs).not.toContain(client.clientSecret);
      expect(logs).not.toContain(res.json().access_token.split('.')[2]);
    });
  });

  describe('JWKS and metadata', () => {
    it('publish what a resource server needs to verify a token itself', async () => {
      const meta = (
        await t.app.inject({ method: 'GET', url: '/.well-known/oauth-authorization-server' })
      ).json();
      expect(meta).toMatchObject({
        issuer: TEST_ISSUER,
        token_endpoint: `${TEST_ISSUER}/api/v1/oauth/token`,
        jwks_uri: `${TEST_ISSUER}/.well-known/jwks.json`,
        grant_types_supported: ['client_credentials'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      });
      expect(meta.scopes_supported).toContain('apps:write');
      const jwksRes = await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
      expect(jwksRes.headers['cache-control']).toBe('public, max-age=60');
      const jwks = jwksRes.json();
      expect(JSON.stringify(jwks)).not.toContain('"d"');
      const { payload, protectedHeader } = await jwtVerify(
        await accessToken(exampleClient),
        createLocalJWKSet(jwks),
        {
          issuer: meta.issuer,
          audience: `${meta.issuer}/api/v1`,
          typ: 'at+jwt',
        },
      );
      expect(protectedHeader.alg).toBe('EdDSA');
      expect(payload).toMatchObject({ client_id: exampleClient.clientId, jdmail_domain: 'example.com' });
    });
  });

  describe('app tokens in the API', () => {
    it('read mail with the token’s scopes', async () => {
      const at = await accessToken(client);
      const res = await get('/users/carol@other.org/messages?unread=true', bearer(at));
      expect(res.statusCode).toBe(200);
      expect(res.json().items.map((m: { subject: string }) => m.subject)).toEqual(['For Carol']);
      const narrowed = await accessToken(client, 'users:read');
      expect((await get('/users/carol@other.org/messages', bearer(narrowed))).json().code).toBe(
        'INSUFFICIENT_SCOPE',
      );
      expect((await get('/users/carol@other.org', bearer(narrowed))).statusCode).toBe(200);
    });

    it('keep a domain-restricted app inside its domain: another domain’s mail is 404', async () => {
      const at = await accessToken(exampleClient);
      expect((await get('/users/alice@example.com/messages', bearer(at))).statusCode).toBe(200);
      const foreign = await get('/users/carol@other.org/messages', bearer(at));
      expect(foreign.statusCode).toBe(404);
      expect(foreign.json().code).toBe('USER_NOT_FOUND');
      expect(
        (await get('/users', bearer(at))).json().items.map((u: { address: string }) => u.address),
      ).toEqual(['alice@example.com']);
      const send = await t.app.inject({
        method: 'POST',
        url: '/api/v1/users/carol@other.org/send',
        headers: bearer(at),
        payload: { to: ['carol@other.org'], subject: 'x', text: 'x' },
      });
      expect(send.statusCode).toBe(404);
    });

    it('refuse expired, forged and revoked tokens with 401 and the invalid_token challenge', async () => {
      const at = await accessToken(client);
      const check = async (tok: string, detail: RegExp) => {
        const res = await get('/users/carol@other.org/messages', bearer(tok));
        expect(res.statusCode).toBe(401);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.json()).toMatchObject({ code: 'UNAUTHENTICATED', detail: expect.stringMatching(detail) });
        expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="jdmail", error="invalid_token"/);
      };
      const [h, p, s] = at.split('.') as [string, string, string];
      // One character in the middle of the signature changed: it always changes a decoded byte. (The
      // last characters were a flaky choice: they carry padding bits, and once in 256 runs "AA" in their
      // place decoded to the same signature.)
      const forged = `${s.slice(0, 10)}${s[10] === 'A' ? 'B' : 'A'}${s.slice(11)}`;
      await check(`${h}.${p}.${forged}`, /not valid/);
      await t.oauth.apps.update(client.clientId, { enabled: false });
      await check(at, /disabled, deleted/);
      await t.oauth.apps.update(client.clientId, { enabled: true });
      expect((await get('/users/carol@other.org/messages', bearer(at))).statusCode).toBe(200);
      t.tick(601_000);
      await check(at, /expired/);
    });

    it('count forged tokens as wrong credentials, but not expired ones, and never hold up a valid key', async () => {
      const at = await accessToken(client);
      t.tick(601_000);
      const { free } = LOGIN_RULES.secrets;
      for (let i = 0; i < 2 * free; i++) expect((await get('/domains', bearer(at))).statusCode).toBe(401);
      const forged = `${at.split('.').slice(0, 2).join('.')}.AAAA`;
      for (let i = 0; i <= free; i++) expect((await get('/domains', bearer(forged))).statusCode).toBe(401);
      const refused = await get('/domains', bearer(forged));
      expect(refused.statusCode).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect((await get('/domains', bearer(t.keys.admin))).statusCode).toBe(200);
    });
  });
});
