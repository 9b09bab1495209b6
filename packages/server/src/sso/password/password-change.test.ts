import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../../test/harness/databases.js';
import type { Directory, User } from '../../directory/index.js';
import { createTestDirectory } from '../../directory/testing/test-directory.js';
import { createLoginGuard, createMemoryBucketStore } from '../../limits/index.js';
import { AppError } from '../../shared/index.js';
import { type Database, openDatabase } from '../../store/index.js';
import { createLogger } from '../../telemetry/index.js';
import { createSessionRegistry, type SessionRegistry } from '../sessions/registry.js';
import { createPasswordChange, type PasswordChange } from './password-change.js';

// The own password change (POST /users/{address}/password) against the real registry, on both engines.

const databases = useDatabases();
const client = { ip: '192.0.2.7', userAgent: 'test' };

/** The error code a rejected promise carries. */
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: unknown) => (e instanceof AppError ? e.code : String(e)),
  );

describe.each(databases.engines)('own password change on %s', (engine) => {
  let database: Database;
  let directory: Directory;
  let sessions: SessionRegistry;
  let change: PasswordChange;
  let alice: User;

  beforeEach(async () => {
    database = await openDatabase(await databases.fresh(engine));
    directory = createTestDirectory(database.db);
    await directory.createDomain('example.com');
    alice = await directory.createUser({ address: 'alice@example.com', password: 'alice-password' });
    sessions = createSessionRegistry({
      db: database.db,
      log: createLogger({ level: 'silent' }),
      idleSeconds: 600,
      maxSeconds: 3600,
    });
    const guard = createLoginGuard({ store: createMemoryBucketStore() });
    change = createPasswordChange({ directory, sessions, guard, log: createLogger({ level: 'silent' }) });
  });
  afterEach(() => database.close());

  const input = (user: User, currentPassword: string, currentSessionId: string | null = null) => ({
    user,
    currentPassword,
    newPassword: 'alice-new-password',
    currentSessionId,
    ip: client.ip,
  });

  it('keeps the session that made the change and ends every other one', async () => {
    const here = await sessions.create({ userId: alice.id, method: 'password', client });
    const there = await sessions.create({ userId: alice.id, method: 'password', client });
    const imap = await sessions.create({ userId: alice.id, method: 'password', client, channel: 'imap' });
    expect(await change.change(input(alice, 'alice-password', here.session.id))).toEqual({
      endedSessions: 2,
    });
    expect(await sessions.validate(here.token)).not.toBeNull();
    expect(await sessions.validate(there.token)).toBeNull();
    expect(await sessions.validate(imap.token, 'imap')).toBeNull();
    expect(await directory.authenticate('alice@example.com', 'alice-password')).toBeNull();
    expect((await directory.authenticate('alice@example.com', 'alice-new-password'))?.id).toBe(alice.id);
  });

  it('refuses a wrong current password and counts it: a few, then a wait', async () => {
    const codes: string[] = [];
    for (let i = 0; i < 8; i++) codes.push(await codeOf(change.change(input(alice, `guess-${i}`))));
    expect(codes.slice(0, 5)).toEqual(Array(5).fill('CURRENT_PASSWORD_WRONG'));
    expect(codes.at(-1)).toBe('RATE_LIMITED');
    expect((await directory.authenticate('alice@example.com', 'alice-password'))?.id).toBe(alice.id);
  });

  it('refuses users whose password lives elsewhere (SCIM, SSO only) with USER_EXTERNALLY_MANAGED', async () => {
    const scim = await directory.createUser({ address: 'idp@example.com', source: 'scim' });
    const sso = await directory.createUser({ address: 'sso@example.com' });
    expect(await codeOf(change.change(input(scim, 'whatever-1')))).toBe('USER_EXTERNALLY_MANAGED');
    expect(await codeOf(change.change(input(sso, 'whatever-1')))).toBe('USER_EXTERNALLY_MANAGED');
  });
});
