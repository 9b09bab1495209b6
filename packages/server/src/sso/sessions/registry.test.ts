import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../../test/harness/databases.js';
import type { Directory, User } from '../../directory/index.js';
import { createTestDirectory } from '../../directory/testing/test-directory.js';
import { type Database, openDatabase } from '../../store/index.js';
import { createLogger } from '../../telemetry/index.js';
import { createSessionRegistry, type RevocationListener, type SessionRegistry } from './registry.js';

const databases = useDatabases();
const client = { ip: '192.0.2.7', userAgent: 'Mozilla/5.0 test' };

describe.each(databases.engines)('session registry on %s', (engine) => {
  let database: Database;
  let directory: Directory;
  let sessions: SessionRegistry;
  let clock: number;
  let alice: User;
  let bob: User;
  const events: Parameters<RevocationListener>[0][] = [];

  beforeEach(async () => {
    database = await openDatabase(await databases.fresh(engine));
    directory = createTestDirectory(database.db);
    await directory.createDomain('example.com');
    alice = await directory.createUser({ address: 'alice@example.com' });
    bob = await directory.createUser({ address: 'bob@example.com' });
    clock = 1_700_000_000_000;
    sessions = createSessionRegistry({
      db: database.db,
      log: createLogger({ level: 'silent' }),
      idleSeconds: 600,
      maxSeconds: 3600,
      now: () => clock,
    });
    events.length = 0;
    sessions.onRevoked((e) => events.push(e));
  });
  afterEach(() => database.close());

  it('stores only a hash of the token and finds the session by the token', async () => {
    const { token, session } = await sessions.create({ userId: alice.id, method: 'password', client });
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows = await database.db.selectFrom('sessions').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(token);
    const found = await sessions.validate(token);
    expect(found).toMatchObject({
      id: session.id,
      userId: alice.id,
      userAddress: 'alice@example.com',
      method: 'password',
      channel: 'web',
      ip: '192.0.2.7',
      expiresAt: clock + 3600_000,
      idleExpiresAt: clock + 600_000,
    });
    expect(found?.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await sessions.validate(`${token.slice(0, -1)}x`)).toBeNull();
    expect(await sessions.validate('not-a-token')).toBeNull();
    expect(await sessions.validate(token, 'imap')).toBeNull();
  });

  it('ends a session after the idle time, refreshing it on use at most once a minute', async () => {
    const { token } = await sessions.create({ userId: alice.id, method: 'password', client });
    clock += 30_000;
    await sessions.validate(token);
    const afterQuickUse = await database.db.selectFrom('sessions').select('last_seen_at').executeTakeFirst();
    expect(Number(afterQuickUse?.last_seen_at)).toBe(1_700_000_000_000); // not written: too soon
    clock += 40_000;
    expect((await sessions.validate(token))?.idleExpiresAt).toBe(clock + 600_000);
    clock += 599_000;
    expect(await sessions.validate(token)).not.toBeNull();
    clock += 600_000;
    expect(await sessions.validate(token)).toBeNull();
    expect(await database.db.selectFrom('sessions').selectAll().execute()).toEqual([]);
    expect(events.map((e) => e.reason)).toEqual(['expired']);
  });

  it('ends a session at the absolute limit however busy it is', async () => {
    const { token } = await sessions.create({ userId: alice.id, method: 'password', client });
    for (let i = 0; i < 6; i++) {
      clock += 590_000;
      expect(await sessions.validate(token)).not.toBeNull();
    }
    clock += 590_000; // 4130 s after sign-in, past the 3600 s limit
    expect(await sessions.validate(token)).toBeNull();
  });

  it('ends the sessions of a user who is disabled or whose password changes', async () => {
    const a = await sessions.create({ userId: alice.id, method: 'password', client });
    const b = await sessions.create({ userId: bob.id, method: 'link', client });
    await directory.updateUser('alice@example.com', { enabled: false });
    expect(await sessions.validate(a.token)).toBeNull();
    await directory.updateUser('alice@example.com', { enabled: true });
    expect(await sessions.validate(a.token)).toBeNull(); // ended for good
    await directory.updateUser('bob@example.com', { password: 'a-new-password' });
    expect(await sessions.validate(b.token)).toBeNull();
    expect(events.map((e) => e.reason)).toEqual(['user_disabled', 'credentials_changed']);
    await directory.updateUser('alice@example.com', { enabled: false });
    await expect(sessions.create({ userId: alice.id, method: 'password', client })).rejects.toMatchObject({
      code: 'USER_DISABLED',
    });
  });

  it('replaces the session whose token the client still held (new id on every sign-in)', async () => {
    const first = await sessions.create({ userId: alice.id, method: 'password', client });
    const second = await sessions.create({
      userId: alice.id,
      method: 'password',
      client,
      replaces: first.token,
    });
    expect(second.session.id).not.toBe(first.session.id);
    expect(await sessions.validate(first.token)).toBeNull();
    expect(await sessions.validate(second.token)).not.toBeNull();
    expect(events).toEqual([
      { sessions: [{ id: first.session.id, userId: alice.id, channel: 'web' }], reason: 'replaced' },
    ]);
  });

  it('lists, revokes one, and revokes all sessions of a user', async () => {
    const s1 = await sessions.create({ userId: alice.id, method: 'password', client });
    clock += 1;
    const s2 = await sessions.create({ userId: alice.id, method: 'oidc', providerId: 'corp', client });
    const s3 = await sessions.create({ userId: bob.id, method: 'password', client });
    expect((await sessions.listForUser(alice.id)).map((s) => s.id)).toEqual([s2.session.id, s1.session.id]);
    expect(await sessions.revoke(s1.session.id, 'admin')).toBe(true);
    expect(await sessions.revoke(s1.session.id, 'admin')).toBe(false);
    expect(await sessions.get(s1.session.id)).toBeNull();
    expect(await sessions.revokeForUser(alice.id, 'admin')).toBe(1);
    expect(await sessions.listForUser(alice.id)).toEqual([]);
    expect(await sessions.validate(s3.token)).not.toBeNull();
  });

  it('ends sessions named by a provider: by sid, by sub, by ticket, never another provider’s', async () => {
    const mk = (providerId: string, external: { sid?: string; sub?: string; ticket?: string }) =>
      sessions.create({ userId: alice.id, method: 'oidc', providerId, external, client });
    const a = await mk('corp', { sid: 'sid-1', sub: 'u1' });
    const b = await mk('corp', { sid: 'sid-2', sub: 'u1' });
    const c = await mk('other', { sid: 'sid-1', sub: 'u1' });
    const d = await mk('cas', { sub: 'alice', ticket: 'ST-1' });
    expect(await sessions.revokeByExternal('corp', { sid: 'sid-1', sub: 'u2' }, 'backchannel_logout')).toBe(
      0,
    );
    expect(await sessions.revokeByExternal('corp', { sid: 'sid-1' }, 'backchannel_logout')).toBe(1);
    expect(await sessions.validate(a.token)).toBeNull();
    expect(await sessions.validate(b.token)).not.toBeNull();
    expect(await sessions.revokeByExternal('corp', { sub: 'u1' }, 'backchannel_logout')).toBe(1);
    expect(await sessions.validate(c.token)).not.toBeNull();
    expect(await sessions.revokeByExternal('cas', {}, 'single_logout')).toBe(0);
    expect(await sessions.revokeByExternal('cas', { ticket: 'ST-1' }, 'single_logout')).toBe(1);
    expect(await sessions.validate(d.token)).toBeNull();
  });

  it('sweeps expired sessions and forgets a deleted user’s sessions', async () => {
    await sessions.create({ userId: alice.id, method: 'password', client });
    const keep = await sessions.create({ userId: bob.id, method: 'password', client });
    clock += 300_000;
    await sessions.validate(keep.token); // refreshed: now idle until clock + 600 s
    clock += 400_000;
    expect(await sessions.sweep()).toBe(1);
    expect(await sessions.validate(keep.token)).not.toBeNull();
    await directory.deleteUser('bob@example.com');
    expect(await database.db.selectFrom('sessions').selectAll().execute()).toEqual([]);
  });
});
