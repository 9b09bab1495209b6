import { decodeJwt, decodeProtectedHeader, importJWK, type JWK, SignJWT } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../test/harness/databases.js';
import type { Directory } from '../directory/index.js';
import { createTestDirectory } from '../directory/testing/test-directory.js';
import { type Database, openDatabase } from '../store/index.js';
import { createLogger } from '../telemetry/index.js';
import {
  APP_STATE_TTL_MS,
  createOAuthService,
  type OAuthConfig,
  type OAuthService,
  RETIRE_AFTER_MS,
} from './index.js';

const databases = useDatabases();
const ISSUER = 'https://mail.example.com';
const CONFIG: OAuthConfig = { tokenLifetimeSeconds: 600, signingAlgorithm: 'EdDSA', keyRotationHours: 24 };

describe.each(databases.engines)('app tokens on %s', (engine) => {
  let database: Database;
  let directory: Directory;
  let t: number;
  let oauth: OAuthService;
  const log = createLogger({ level: 'silent' });
  /** Another node of the same deployment: same database, its own caches. */
  const node = (config: Partial<OAuthConfig> = {}, issuer = ISSUER) =>
    createOAuthService({
      db: database.db,
      directory,
      config: { ...CONFIG, ...config },
      issuer: () => issuer,
      log,
      now: () => t,
    });
  const tick = (ms: number) => {
    t += ms;
  };

  beforeEach(async () => {
    database = await openDatabase(await databases.fresh(engine));
    directory = createTestDirectory(database.db);
    await directory.createDomain('example.com');
    await directory.createDomain('other.org');
    t = 1_700_000_000_000;
    oauth = node();
    await oauth.start();
  });
  afterEach(async () => {
    oauth.stop();
    await database.close();
  });

  describe('registered apps', () => {
    it('shows the secret once and stores only its hash', async () => {
      const { app, clientSecret } = await oauth.apps.create({
        name: ' Portal ',
        scopes: ['mail:*', 'users:read'],
      });
      expect(app).toMatchObject({
        name: 'Portal',
        scopes: ['users:read', 'mail:read', 'mail:write'],
        domain: null,
        enabled: true,
        lastUsedAt: null,
      });
      expect(app.clientId).toMatch(/^jdc_[A-Za-z0-9_-]{24}$/);
      expect(clientSecret).toMatch(/^jds_[A-Za-z0-9_-]{43}$/);
      const row = await database.db.selectFrom('apps').selectAll().executeTakeFirstOrThrow();
      expect(JSON.stringify(row)).not.toContain(clientSecret.slice(4));
      expect(row.secret_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(await oauth.apps.get(app.clientId)).toEqual(app);
    });

    it('refuses unknown scopes, unknown domains and empty names', async () => {
      await expect(oauth.apps.create({ name: 'x', scopes: ['mail:delete'] })).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
      await expect(oauth.apps.create({ name: 'x', scopes: ['*'], domain: 'nope.org' })).rejects.toMatchObject(
        {
          code: 'DOMAIN_NOT_FOUND',
        },
      );
      await expect(oauth.apps.create({ name: '  ', scopes: ['*'] })).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
      await expect(oauth.apps.get('jdc_nothing')).rejects.toMatchObject({ code: 'APP_NOT_FOUND' });
    });

    it('lists oldest first with cursors, limited to visible domains', async () => {
      const a = await oauth.apps.create({ name: 'a', scopes: ['*'] });
      tick(1);
      const b = await oauth.apps.create({ name: 'b', scopes: ['mail:read'], domain: 'Example.com' });
      tick(1);
      const c = await oauth.apps.create({ name: 'c', scopes: ['mail:read'], domain: 'other.org' });
      const first = await oauth.apps.list({ limit: 2 });
      expect(first.items.map((x) => x.name)).toEqual(['a', 'b']);
      const rest = await oauth.apps.list({ limit: 2, cursor: first.nextCursor ?? '' });
      expect(rest.items.map((x) => x.clientId)).toEqual([c.app.clientId]);
      expect(rest.nextCursor).toBeNull();
      const mine = await oauth.apps.list({ limit: 10, visibleDomains: new Set(['example.com']) });
      expect(mine.items.map((x) => x.clientId)).toEqual([b.app.clientId]);
      expect(a.app.domain).toBeNull();
      // Not base64url; a NUL (once a 500 on PostgreSQL); a line feed; padding this never writes.
      for (const bad of ['not a cursor!', 'AA', 'YQo', `${first.nextCursor}=`]) {
        await expect(oauth.apps.list({ limit: 1, cursor: bad }), bad).rejects.toMatchObject({
          code: 'INVALID_CURSOR',
        });
      }
    });

    it('goes away with its domain', async () => {
      const { app } = await oauth.apps.create({ name: 'x', scopes: ['mail:read'], domain: 'other.org' });
      await directory.deleteDomain('other.org');
      await expect(oauth.apps.get(app.clientId)).rejects.toMatchObject({ code: 'APP_NOT_FOUND' });
    });
  });

  describe('the client credentials grant', () => {
    it('issues an RFC 9068 access token with every required claim', async () => {
      const { app, clientSecret } = await oauth.apps.create({
        name: 'x',
        scopes: ['mail:read', 'users:read'],
        domain: 'example.com',
      });
      const res = await oauth.exchange({ clientId: app.clientId, clientSecret, scope: undefined });
      expect(res).toMatchObject({ token_type: 'Bearer', expires_in: 600, scope: 'users:read mail:read' });
      const header = decodeProtectedHeader(res.access_token);
      expect(header).toMatchObject({ typ: 'at+jwt', alg: 'EdDSA' });
      expect((await oauth.jwks()).keys.map((k) => k.kid)).toEqual([header.kid]);
      const claims = decodeJwt(res.access_token);
      expect(claims).toMatchObject({
        iss: ISSUER,
        aud: `${ISSUER}/api/v1`,
        sub: app.clientId,
        client_id: app.clientId,
        scope: 'users:read mail:read',
        jdmail_domain: 'example.com',
        iat: t / 1000,
        exp: t / 1000 + 600,
      });
      expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
      expect((await oauth.apps.get(app.clientId)).lastUsedAt).toBe(t);
    });

    it('narrows to a requested subset of the app’s scopes, and refuses any other', async () => {
      const { app, clientSecret } = await oauth.apps.create({
        name: 'x',
        scopes: ['mail:read', 'users:read'],
      });
      const ask = (scope: string) => oauth.exchange({ clientId: app.clientId, clientSecret, scope });
      const narrowed = await ask('mail:read');
      expect(narrowed.scope).toBe('mail:read');
      expect(decodeJwt(narrowed.access_token).scope).toBe('mail:read');
      expect(decodeJwt(narrowed.access_token)).not.toHaveProperty('jdmail_domain');
      await expect(ask('mail:read mail:write')).rejects.toMatchObject({
        error: 'invalid_scope',
        status: 400,
      });
      await expect(ask('mail:*')).rejects.toMatchObject({ error: 'invalid_scope' });
      await expect(ask('openid')).rejects.toMatchObject({ error: 'invalid_scope' });
    });

    it('refuses a wrong secret, an unknown client and a disabled app', async () => {
      const { app, clientSecret } = await oauth.apps.create({ name: 'x', scopes: ['mail:read'] });
      const other = await oauth.apps.create({ name: 'y', scopes: ['mail:read'] });
      const ask = (clientId: string, secret: string) =>
        oauth.exchange({ clientId, clientSecret: secret, scope: undefined });
      await expect(ask(app.clientId, other.clientSecret)).rejects.toMatchObject({
        error: 'invalid_client',
        status: 401,
      });
      await expect(ask('jdc_unknown', clientSecret)).rejects.toMatchObject({ error: 'invalid_client' });
      await oauth.apps.update(app.clientId, { enabled: false });
      await expect(ask(app.clientId, clientSecret)).rejects.toMatchObject({
        error: 'invalid_grant',
        status: 400,
      });
      await oauth.apps.update(app.clientId, { enabled: true });
      await expect(ask(app.clientId, clientSecret)).resolves.toMatchObject({ token_type: 'Bearer' });
    });

    it('rotates the secret: the old one and the tokens it got stop working', async () => {
      const { app, clientSecret } = await oauth.apps.create({ name: 'x', scopes: ['mail:read'] });
      const before = await oauth.exchange({ clientId: app.clientId, clientSecret, scope: undefined });
      tick(1000);
      const rotated = await oauth.apps.rotateSecret(app.clientId);
      expect(rotated.clientSecret).not.toBe(clientSecret);
      expect(rotated.app.secretRotatedAt).toBe(t);
      await expect(
        oauth.exchange({ clientId: app.clientId, clientSecret, scope: undefined }),
      ).rejects.toMatchObject({ error: 'invalid_client' });
      expect(await oauth.verify(before.access_token)).toEqual({ ok: false, reason: 'revoked' });
      const after = await oauth.exchange({
        clientId: app.clientId,
        clientSecret: rotated.clientSecret,
        scope: undefined,
      });
      expect((await oauth.verify(after.access_token)).ok).toBe(true);
    });
  });

  describe('verification', () => {
    const issue = async (domain: string | null = null, scopes = ['mail:read']) => {
      const created = await oauth.apps.create({ name: 'x', scopes, domain });
      const res = await oauth.exchange({
        clientId: created.app.clientId,
        clientSecret: created.clientSecret,
        scope: undefined,
      });
      return { ...created, token: res.access_token };
    };

    it('grants the token’s scopes and the app’s domain until the token expires', async () => {
      const { app, token } = await issue('example.com', ['mail:read', 'users:read']);
      expect(await oauth.verify(token)).toEqual({
        ok: true,
        grant: {
          clientId: app.clientId,
          scopes: ['users:read', 'mail:read'],
          domain: 'example.com',
          expiresAt: t / 1000 + 600,
        },
      });
      tick(599_000);
      expect((await oauth.verify(token)).ok).toBe(true);
      tick(1_000);
      expect(await oauth.verify(token)).toEqual({ ok: false, reason: 'expired' });
    });

    it('refuses forged, altered and foreign tokens', async () => {
      const { token } = await issue();
      const [h, p, s] = token.split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
      const widened = Buffer.from(JSON.stringify({ ...claims, scope: 'mail:read mail:write' })).toString(
        'base64url',
      );
      expect(await oauth.verify(`${h}.${widened}.${s}`)).toEqual({ ok: false, reason: 'invalid' });
      expect(await oauth.verify(`${h}.${p}.${s.slice(0, -4)}AAAA`)).toEqual({ ok: false, reason: 'invalid' });
      // Signed by our key, but for another issuer (another install's URL).
      expect(await node({}, 'https://elsewhere.example').verify(token)).toEqual({
        ok: false,
        reason: 'invalid',
      });
      // An unsigned token ("alg": "none").
      const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url')}.${p}.`;
      expect(await oauth.verify(none)).toEqual({ ok: false, reason: 'invalid' });
    });

    it('refuses a JWT that is not an access token (typ) even when our key signed it', async () => {
      const { app } = await issue();
      const row = await database.db.selectFrom('signing_keys').selectAll().executeTakeFirstOrThrow();
      const key = await importJWK(JSON.parse(row.private_jwk) as JWK, 'EdDSA');
      const idToken = await new SignJWT({ client_id: app.clientId, scope: 'mail:read' })
        .setProtectedHeader({ alg: 'EdDSA', kid: row.kid, typ: 'JWT' })
        .setIssuer(ISSUER)
        .setAudience(`${ISSUER}/api/v1`)
        .setSubject(app.clientId)
        .setJti('x')
        .setIssuedAt(t / 1000)
        .setExpirationTime(t / 1000 + 60)
        .sign(key);
      expect(await oauth.verify(idToken)).toEqual({ ok: false, reason: 'invalid' });
    });

    it('refuses the tokens of a disabled or deleted app; another node notices within the cache TTL', async () => {
      const { app, token } = await issue();
      const other = node();
      expect((await other.verify(token)).ok).toBe(true);
      await oauth.apps.update(app.clientId, { enabled: false });
      // This node forgot its cached view at once; the other still trusts it for a few seconds.
      expect(await oauth.verify(token)).toEqual({ ok: false, reason: 'revoked' });
      expect((await other.verify(token)).ok).toBe(true);
      tick(APP_STATE_TTL_MS);
      expect(await other.verify(token)).toEqual({ ok: false, reason: 'revoked' });
      await oauth.apps.update(app.clientId, { enabled: true });
      expect((await oauth.verify(token)).ok).toBe(true);
      await oauth.apps.remove(app.clientId);
      expect(await oauth.verify(token)).toEqual({ ok: false, reason: 'revoked' });
      await expect(oauth.apps.remove(app.clientId)).rejects.toMatchObject({ code: 'APP_NOT_FOUND' });
    });
  });

  describe('signing keys', () => {
    const issue = async (service = oauth) => {
      const created = await service.apps.create({ name: 'x', scopes: ['mail:read'] });
      const res = await service.exchange({
        clientId: created.app.clientId,
        clientSecret: created.clientSecret,
        scope: undefined,
      });
      return res.access_token;
    };
    const kidOf = (token: string) => decodeProtectedHeader(token).kid;

    it('rotates without downtime: old tokens verify until the old key retires, then it verifies nothing', async () => {
      const old = await issue();
      const oldKid = kidOf(old);
      const oldRow = await database.db.selectFrom('signing_keys').selectAll().executeTakeFirstOrThrow();
      // A token the old key signs with a far expiry: only retirement can stop it.
      const { app } = await oauth.apps.create({ name: 'long', scopes: ['mail:read'] });
      const longLived = await new SignJWT({ client_id: app.clientId, scope: 'mail:read' })
        .setProtectedHeader({ alg: 'EdDSA', kid: oldKid, typ: 'at+jwt' })
        .setIssuer(ISSUER)
        .setAudience(`${ISSUER}/api/v1`)
        .setSubject(app.clientId)
        .setJti('long')
        .setIssuedAt(t / 1000)
        .setExpirationTime(t / 1000 + 10 * 86_400)
        .sign(await importJWK(JSON.parse(oldRow.private_jwk) as JWK, 'EdDSA'));

      tick(1000);
      const rotated = await oauth.rotateKeys();
      expect(rotated.kid).not.toBe(oldKid);
      const fresh = await issue();
      expect(kidOf(fresh)).toBe(rotated.kid);
      expect((await oauth.jwks()).keys.map((k) => k.kid).sort()).toEqual([oldKid, rotated.kid].sort());
      expect((await oauth.verify(old)).ok).toBe(true);
      expect((await oauth.verify(longLived)).ok).toBe(true);
      expect((await oauth.listKeys()).map((k) => [k.kid, k.signing, k.retireAt])).toEqual([
        [rotated.kid, true, null],
        [oldKid, false, t + RETIRE_AFTER_MS],
      ]);

      tick(RETIRE_AFTER_MS);
      // Retired the moment its time comes, before any maintenance deletes it.
      expect(await oauth.verify(longLived)).toEqual({ ok: false, reason: 'invalid' });
      expect((await oauth.jwks()).keys.map((k) => k.kid)).toEqual([rotated.kid]);
      await oauth.maintain();
      const rows = await database.db.selectFrom('signing_keys').select('kid').execute();
      expect(rows.map((r) => r.kid)).toEqual([rotated.kid]);
    });

    it('serves only public key material', async () => {
      const { keys } = await oauth.jwks();
      expect(keys).toHaveLength(1);
      expect(keys[0]).toEqual({
        kty: 'OKP',
        crv: 'Ed25519',
        x: expect.any(String),
        kid: expect.any(String),
        use: 'sig',
        alg: 'EdDSA',
      });
      expect(keys[0]).not.toHaveProperty('d');
    });

    it('rotates on the configured interval', async () => {
      const first = kidOf(await issue());
      tick(23 * 3_600_000);
      await oauth.maintain();
      expect(kidOf(await issue())).toBe(first);
      tick(3_600_000);
      await oauth.maintain();
      expect(kidOf(await issue())).not.toBe(first);
    });

    it('lets another node verify a key made moments ago (`jdmail keys rotate` in another process)', async () => {
      const other = node();
      expect((await other.verify(await issue())).ok).toBe(true);
      tick(6_000);
      await oauth.rotateKeys();
      const token = await issue();
      // The other node read the keys 6 s ago, before this one existed: an unknown kid makes it look again.
      expect((await other.verify(token)).ok).toBe(true);
    });

    it('switches algorithm at start when the config asks for another, keeping the old key for verification', async () => {
      const old = await issue();
      tick(1000);
      const es = node({ signingAlgorithm: 'ES256' });
      await es.start();
      es.stop();
      const token = await issue(es);
      expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES256' });
      expect((await es.jwks()).keys.map((k) => k.alg).sort()).toEqual(['ES256', 'EdDSA']);
      expect((await es.verify(old)).ok).toBe(true);
      expect((await es.verify(token)).ok).toBe(true);
    });
  });
});
