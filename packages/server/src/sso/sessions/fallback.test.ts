import type { KyselyPlugin } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../../test/harness/databases.js';
import type { User } from '../../directory/index.js';
import { createTestDirectory } from '../../directory/testing/test-directory.js';
import { type Database, openDatabase } from '../../store/index.js';
import { createLogger } from '../../telemetry/index.js';
import { createSessionRegistry, type SessionRegistry } from './registry.js';

const databases = useDatabases();
const client = { ip: '192.0.2.7', userAgent: 'Mozilla/5.0 test' };
const MINUTE = 60_000;

/** Makes every write fail as a full disk does (SQLite's code; PostgreSQL's 53100 is handled alike). */
function fullDisk(state: { full: boolean }): KyselyPlugin {
  return {
    transformQuery({ node }) {
      if (state.full && node.kind !== 'SelectQueryNode') {
        throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
      }
      return node;
    },
    transformResult: async ({ result }) => result,
  };
}

describe.each(databases.engines)('sessions on a full disk, on %s', (engine) => {
  let database: Database;
  let sessions: SessionRegistry;
  let alice: User;
  let clock: number;
  const disk = { full: false };
  const rows = () => database.db.selectFrom('sessions').select('id').execute();

  beforeEach(async () => {
    database = await openDatabase(await databases.fresh(engine));
    const directory = createTestDirectory(database.db);
    await directory.createDomain('example.com');
    alice = await directory.createUser({ address: 'alice@example.com' });
    clock = 1_700_000_000_000;
    disk.full = false;
    sessions = createSessionRegistry({
      db: database.db.withPlugin(fullDisk(disk)),
      log: createLogger({ level: 'silent' }),
      idleSeconds: 7200,
      maxSeconds: 43200,
      now: () => clock,
    });
  });
  afterEach(() => database.close());

  it('signs in with a session kept in memory, and moves it to the database once it can', async () => {
    disk.full = true;
    const { token, session } = await sessions.create({ userId: alice.id, method: 'password', client });
    expect(await rows()).toEqual([]);
    expect(session.expiresAt).toBe(clock + 60 * MINUTE); // an hour at most, not the usual 12
    expect((await sessions.validate(token))?.id).toBe(session.id);
    expect((await sessions.listForUser(alice.id)).map((s) => s.id)).toEqual([session.id]);
    clock += 5 * MINUTE; // due for a refresh, which cannot be written: still valid
    expect(await sessions.validate(token)).not.toBeNull();
    disk.full = false;
    clock += 5 * MINUTE;
    expect(await sessions.validate(token)).not.toBeNull();
    expect(await rows()).toEqual([{ id: session.id }]);
    expect((await sessions.listForUser(alice.id)).map((s) => s.id)).toEqual([session.id]);
  });

  it('ends a session kept in memory after an hour at most', async () => {
    disk.full = true;
    const { token } = await sessions.create({ userId: alice.id, method: 'password', client });
    clock += 59 * MINUTE;
    expect(await sessions.validate(token)).not.toBeNull();
    clock += 2 * MINUTE;
    expect(await sessions.validate(token)).toBeNull();
  });

  it('keeps using a session of the database whose refresh cannot be written', async () => {
    const { token } = await sessions.create({ userId: alice.id, method: 'password', client });
    disk.full = true;
    clock += 10 * MINUTE;
    expect(await sessions.validate(token)).not.toBeNull();
  });

  it('signs out on a full disk: the session is refused on this node though its row stays', async () => {
    const first = await sessions.create({ userId: alice.id, method: 'password', client });
    const second = await sessions.create({ userId: alice.id, method: 'password', client });
    disk.full = true;
    expect(await sessions.revoke(first.session.id, 'logout')).toBe(true);
    expect(await sessions.validate(first.token)).toBeNull();
    // A new sign-in replaces the session the browser held, the same way.
    const third = await sessions.create({
      userId: alice.id,
      method: 'password',
      client,
      replaces: second.token,
    });
    expect(await sessions.validate(second.token)).toBeNull();
    expect(await sessions.validate(third.token)).not.toBeNull();
    expect(await rows()).toHaveLength(2);
    expect((await sessions.listForUser(alice.id)).map((s) => s.id)).toEqual([third.session.id]);
  });
});
