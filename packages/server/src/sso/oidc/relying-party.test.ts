import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../../test/harness/databases.js';
import { type OidcIdp, startOidcIdp } from '../../../../../test/harness/oidc-idp.js';
import { WebClient } from '../../../../../test/harness/web-client.js';
import type { OidcProviderConfig } from '../../config/index.js';
import type { Directory } from '../../directory/index.js';
import { createTestDirectory } from '../../directory/testing/test-directory.js';
import { type Database, openDatabase } from '../../store/index.js';
import { createLogger } from '../../telemetry/index.js';
import { type Audit, createAudit } from '../audit.js';
import { createSessionRegistry, type SessionRegistry } from '../sessions/registry.js';
import { createOidcRelyingParty, type OidcRelyingParty } from './relying-party.js';

const databases = useDatabases();
const log = createLogger({ level: 'silent' });
// The relying party's own URL: nothing listens there; the test reads the IdP's redirect to it.
const BASE = 'http://127.0.0.1:9';
const client = { ip: '192.0.2.5', userAgent: 'test' };

const settings = (over: Partial<OidcProviderConfig>): OidcProviderConfig => ({
  id: 'corp',
  name: 'Corp',
  issuer: '',
  clientId: 'rp',
  clientSecret: 'rp-secret',
  clientSecretFile: '',
  tokenAuthMethod: 'client_secret_basic',
  scopes: ['openid', 'email', 'profile'],
  claim: 'email',
  domain: '',
  jit: { domain: '', group: '' },
  postLogoutRedirect: '',
  ...over,
});

describe('OIDC relying party (ID token claims, against oidc-provider)', () => {
  let idp: OidcIdp;
  let database: Database;
  let directory: Directory;
  let sessions: SessionRegistry;
  let rp: OidcRelyingParty;
  let audit: Audit;
  let clock = Date.now();
  /** Why the last sign-in failed, as the audit recorded it (the audit is emptied after each read). */
  const lastReason = async () => {
    const failures = (await audit.list()).filter((e) => e.event === 'oidc.login' && e.result !== 'ok');
    await database.db.deleteFrom('sso_audit').execute();
    expect(failures).toHaveLength(1);
    return failures[0]?.detail;
  };

  beforeAll(async () => {
    idp = await startOidcIdp({
      claimsInIdToken: true,
      clients: [
        {
          client_id: 'rp',
          client_secret: 'rp-secret',
          redirect_uris: [`${BASE}/auth/oidc/corp/callback`, `${BASE}/auth/oidc/post/callback`],
          post_logout_redirect_uris: [`${BASE}/login?error=signed_out`],
          backchannel_logout_uri: `${BASE}/auth/oidc/corp/backchannel-logout`,
          backchannel_logout_session_required: true,
          grant_types: ['authorization_code'],
          response_types: ['code'],
        },
      ],
      accounts: [
        { id: 'alice', email: 'alice@example.com', password: 'pw-alice', name: 'Alice' },
        { id: 'eve', email: 'eve@example.com', password: 'pw-eve', claims: { email_verified: false } },
        { id: 'emp7', email: 'x@elsewhere.test', password: 'pw-emp7', claims: { employee_id: 'e0007' } },
      ],
    });
    database = await openDatabase(await databases.fresh('sqlite'));
    directory = createTestDirectory(database.db);
    await directory.createDomain('example.com');
    await directory.createUser({ address: 'alice@example.com' });
    await directory.createUser({ address: 'eve@example.com' });
    await directory.createUser({ address: 'e0007@example.com' });
    sessions = createSessionRegistry({ db: database.db, log, idleSeconds: 600, maxSeconds: 3600 });
    audit = createAudit(database.db, log);
    rp = createOidcRelyingParty({
      providers: [
        settings({ issuer: idp.issuer }),
        settings({ id: 'post', issuer: idp.issuer, claim: 'employee_id', domain: 'example.com' }),
        settings({ id: 'down', issuer: 'http://127.0.0.1:9' }),
      ],
      db: database.db,
      directory,
      sessions,
      audit,
      log,
      now: () => clock,
    });
  });
  beforeEach(() => database.db.deleteFrom('sso_audit').execute());
  afterAll(async () => {
    await database?.close();
    await idp?.close();
  });

  /** Runs the browser part at the IdP; returns the query string the IdP sends back to the callback. */
  async function atIdp(browser: WebClient, url: string, login: string, password: string): Promise<string> {
    const hops = await browser.follow(await browser.get(url));
    const page = hops[hops.length - 1];
    const action = /action="([^"]+)"/.exec(page?.text ?? '')?.[1] as string;
    const done = await browser.follow(
      await browser.postForm(new URL(action, page?.url).toString(), { login, password }),
      (r) => (r.location ?? '').startsWith(BASE),
    );
    const back = new URL(done[done.length - 1]?.location as string);
    return back.search;
  }

  async function signIn(provider: string, login: string, password: string) {
    const { url, binding } = await rp.start(provider, { returnTo: '/inbox', baseUrl: BASE });
    const search = await atIdp(new WebClient(), url, login, password);
    return rp.callback(provider, { search, binding, client });
  }

  it('signs in from claims in the ID token, recording sid and sub for logout', async () => {
    const result = await signIn('corp', 'alice', 'pw-alice');
    expect(result).toMatchObject({ ok: true, redirect: '/inbox' });
    if (!result.ok) return;
    expect(result.session).toMatchObject({
      method: 'oidc',
      providerId: 'corp',
      userAddress: 'alice@example.com',
    });
    expect(result.session.external.sub).toBe('alice');
    expect(result.session.external.sid).toEqual(expect.any(String));
    expect(result.session.idToken?.split('.')).toHaveLength(3);
  });

  it('maps a custom claim plus the provider’s domain to a mailbox', async () => {
    const result = await signIn('post', 'emp7', 'pw-emp7');
    expect(result.ok && result.session.userAddress).toBe('e0007@example.com');
  });

  it('refuses an email the IdP marks unverified', async () => {
    expect(await signIn('corp', 'eve', 'pw-eve')).toEqual({ ok: false, error: 'sso_failed' });
    expect(await lastReason()).toMatch(/not verified/);
  });

  it('refuses a callback whose pending sign-in expired, or that the IdP answered with an error', async () => {
    const { url, binding } = await rp.start('corp', { returnTo: '/', baseUrl: BASE });
    const search = await atIdp(new WebClient(), url, 'alice', 'pw-alice');
    clock += 11 * 60_000;
    expect(await rp.callback('corp', { search, binding, client })).toEqual({
      ok: false,
      error: 'sso_failed',
    });
    expect(await lastReason()).toBe('pending sign-in expired');
    clock = Date.now();

    const started = await rp.start('corp', { returnTo: '/', baseUrl: BASE });
    const state = new URL(started.url).searchParams.get('state') as string;
    const denied = `?error=access_denied&error_description=User+cancelled&state=${state}`;
    expect(await rp.callback('corp', { search: denied, binding: started.binding, client })).toEqual({
      ok: false,
      error: 'sso_failed',
    });
    expect(await lastReason()).toMatch(/IdP answered access_denied: User cancelled/);
    // Without the browser's binding cookie the callback is refused before the code is used.
    const other = await rp.start('corp', { returnTo: '/', baseUrl: BASE });
    const stolen = await atIdp(new WebClient(), other.url, 'alice', 'pw-alice');
    expect(await rp.callback('corp', { search: stolen, binding: undefined, client })).toMatchObject({
      ok: false,
    });
    expect(await lastReason()).toBe('pending sign-in other_browser');
  });

  it('refuses a state started for another provider', async () => {
    const { url, binding } = await rp.start('corp', { returnTo: '/', baseUrl: BASE });
    const search = await atIdp(new WebClient(), url, 'alice', 'pw-alice');
    expect(await rp.callback('post', { search, binding, client })).toEqual({
      ok: false,
      error: 'sso_failed',
    });
    expect(await lastReason()).toBe('state of another provider');
  });

  it('fails fast with UNAVAILABLE when the IdP cannot be reached, and does not retry at once', async () => {
    const t0 = Date.now();
    await expect(rp.start('down', { returnTo: '/', baseUrl: BASE })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    });
    await expect(rp.start('down', { returnTo: '/', baseUrl: BASE })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    });
    expect(Date.now() - t0).toBeLessThan(5000);
    await expect(rp.start('nope', { returnTo: '/', baseUrl: BASE })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('ends exactly the sessions a logout token names: by sid, else every session of the sub', async () => {
    const a = await signIn('corp', 'alice', 'pw-alice');
    const b = await signIn('corp', 'alice', 'pw-alice');
    if (!a.ok || !b.ok) throw new Error('sign-in failed');
    const now = Math.floor(Date.now() / 1000);
    const base = {
      iss: idp.issuer,
      aud: 'rp',
      iat: now,
      events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
    };
    const bySid = await idp.sign({ ...base, sid: a.session.external.sid as string, jti: 'sid-1' });
    expect(await rp.backchannelLogout('corp', bySid, '192.0.2.9')).toEqual({ ok: true, ended: 1 });
    expect(await sessions.validate(a.token)).toBeNull();
    expect(await sessions.validate(b.token)).not.toBeNull();
    const bySub = await idp.sign({ ...base, sub: 'alice', jti: 'sub-1' });
    expect(await rp.backchannelLogout('corp', bySub, '192.0.2.9')).toMatchObject({ ok: true });
    expect(await sessions.validate(b.token)).toBeNull();
    const idToken = b.session.idToken as string; // an ID token is not a logout token
    expect(await rp.backchannelLogout('corp', idToken, '192.0.2.9')).toMatchObject({ ok: false });
  });
});
