import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../../test/harness/databases.js';
import type { Directory, User } from '../../directory/index.js';
import { createTestDirectory } from '../../directory/testing/test-directory.js';
import { createLoginGuard, createMemoryBucketStore } from '../../limits/index.js';
import { type Database, openDatabase } from '../../store/index.js';
import { createLogger } from '../../telemetry/index.js';
import { createSso, type Sso } from '../index.js';

const databases = useDatabases();
const client = { ip: '198.51.100.4', userAgent: 'test' };

describe.each(databases.engines)('login links on %s', (engine) => {
  let database: Database;
  let directory: Directory;
  let sso: Sso;
  let clock: number;
  let alice: User;

  beforeEach(async () => {
    database = await openDatabase(await databases.fresh(engine));
    directory = createTestDirectory(database.db);
    await directory.createDomain('example.com');
    alice = await directory.createUser({ address: 'alice@example.com' });
    clock = 1_700_000_000_000;
    sso = createSso({
      db: database.db,
      directory,
      config: {
        sessions: { idleSeconds: 600, maxSeconds: 3600 },
        sso: { passwordLogin: true, oidc: [], cas: [] },
      },
      log: createLogger({ level: 'silent' }),
      loginGuard: createLoginGuard({ store: createMemoryBucketStore({ now: () => clock }) }),
      now: () => clock,
    });
  });
  afterEach(() => database.close());

  const issue = (extra: { redirect?: string; ttlSeconds?: number } = {}) =>
    sso.loginLinks.issue({ user: alice, issuer: 'api_key:k1', ip: '192.0.2.1', ...extra });

  it('signs in once with the redirect it was issued with, storing only a hash', async () => {
    const link = await issue({ redirect: '/m/42' });
    expect(link.expiresAt).toBe(clock + 60_000);
    const rows = await database.db.selectFrom('login_links').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(link.token);
    clock += 1;
    const used = await sso.loginLinks.consume(link.token, client);
    clock += 1;
    expect(used).toMatchObject({
      ok: true,
      redirect: '/m/42',
      session: { method: 'link', userId: alice.id },
    });
    clock += 1;
    expect(await sso.loginLinks.consume(link.token, client)).toEqual({ ok: false, reason: 'used' });
    const audit = await sso.audit.list({ subject: 'alice@example.com' });
    expect(audit.map((a) => [a.event, a.actor, a.result, a.ip])).toEqual([
      ['login_link.use', 'api_key:k1', 'used', '198.51.100.4'],
      ['login_link.use', 'api_key:k1', 'ok', '198.51.100.4'],
      ['login_link.issue', 'api_key:k1', 'ok', '192.0.2.1'],
    ]);
    expect(JSON.stringify(audit)).not.toContain(link.token);
  });

  it('lets exactly one of many simultaneous uses win', async () => {
    const link = await issue();
    const results = await Promise.all(
      Array.from({ length: 12 }, () => sso.loginLinks.consume(link.token, client)),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.reason)).toEqual(Array(11).fill('used'));
  });

  it('refuses an expired link, a forged one, and one whose user was disabled or changed password', async () => {
    const short = await issue({ ttlSeconds: 1 });
    clock += 1000;
    expect(await sso.loginLinks.consume(short.token, client)).toEqual({ ok: false, reason: 'expired' });
    expect(await sso.loginLinks.consume('A'.repeat(43), client)).toEqual({ ok: false, reason: 'unknown' });
    expect(await sso.loginLinks.consume('../etc', client)).toEqual({ ok: false, reason: 'unknown' });

    const beforeDisable = await issue();
    await directory.updateUser('alice@example.com', { enabled: false });
    expect(await sso.loginLinks.consume(beforeDisable.token, client)).toEqual({
      ok: false,
      reason: 'user_disabled',
    });
    await expect(issue()).rejects.toMatchObject({ code: 'USER_DISABLED' });
    await directory.updateUser('alice@example.com', { enabled: true });

    const beforePassword = await issue();
    await directory.updateUser('alice@example.com', { password: 'brand-new-password' });
    expect(await sso.loginLinks.consume(beforePassword.token, client)).toEqual({
      ok: false,
      reason: 'credentials_changed',
    });
    expect(await database.db.selectFrom('sessions').selectAll().execute()).toEqual([]);
  });

  it('refuses lifetimes outside 1–300 s and redirects off this webmail', async () => {
    await expect(issue({ ttlSeconds: 301 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(issue({ ttlSeconds: 0 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(issue({ redirect: 'https://evil.example/' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      extra: { field: 'redirect' },
    });
    expect((await issue({ ttlSeconds: 300 })).expiresAt).toBe(clock + 300_000);
  });

  it('replaces the session the browser still held', async () => {
    const first = await sso.loginLinks.consume((await issue()).token, client);
    const second = await sso.loginLinks.consume((await issue()).token, client, first.ok ? first.token : null);
    expect(second.ok).toBe(true);
    expect(first.ok && (await sso.sessions.validate(first.token))).toBeNull();
  });

  it('sweeps links that can no longer be used', async () => {
    await issue({ ttlSeconds: 5 });
    await issue({ ttlSeconds: 100 });
    clock += 10_000;
    await sso.sweep();
    expect(await database.db.selectFrom('login_links').selectAll().execute()).toHaveLength(1);
  });
});
