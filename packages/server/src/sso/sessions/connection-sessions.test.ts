import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../../test/harness/databases.js';
import type { Directory, User } from '../../directory/index.js';
import { createTestDirectory } from '../../directory/testing/test-directory.js';
import { type Database, openDatabase } from '../../store/index.js';
import { createLogger } from '../../telemetry/index.js';
import { type ConnectionEndReason, createConnectionSessions } from './connection-sessions.js';
import { createSessionRegistry, type RevocationListener, type SessionRegistry } from './registry.js';

const databases = useDatabases();
const client = { ip: '192.0.2.7', userAgent: 'POP3' };
const log = createLogger({ level: 'silent' });

/** Resolves once `ready()` holds; fails the test after a generous bound. */
async function until(ready: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`not within 5 s: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe.each(databases.engines)('sessions of open connections on %s', (engine) => {
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
      log,
      idleSeconds: 600,
      maxSeconds: 3600,
      now: () => clock,
    });
    events.length = 0;
    sessions.onRevoked((e) => events.push(e));
  });
  afterEach(() => database.close());

  const pop3 = (userId: string) => sessions.create({ userId, method: 'password', channel: 'pop3', client });

  it('checkLive: ends a disabled user’s and a changed password’s sessions, and finds gone rows not live', async () => {
    const [a, b, c] = [await pop3(alice.id), await pop3(bob.id), await pop3(bob.id)];
    expect(await sessions.checkLive([a.session.id, b.session.id, c.session.id])).toEqual(
      new Set([a.session.id, b.session.id, c.session.id]),
    );
    await directory.updateUser('alice@example.com', { enabled: false });
    await database.db.deleteFrom('sessions').where('id', '=', c.session.id).execute(); // another node ended it
    expect(await sessions.checkLive([a.session.id, b.session.id, c.session.id])).toEqual(
      new Set([b.session.id]),
    );
    await directory.updateUser('bob@example.com', { password: 'a-new-password' });
    expect(await sessions.checkLive([b.session.id])).toEqual(new Set());
    expect(events.map((e) => [e.reason, e.sessions.map((s) => s.id)])).toEqual([
      ['user_disabled', [a.session.id]],
      ['credentials_changed', [b.session.id]],
    ]);
  });

  it('checkLive: an open connection is use, past the idle time and the absolute limit, written once a minute', async () => {
    const { session } = await pop3(alice.id);
    const row = () =>
      database.db.selectFrom('sessions').selectAll().where('id', '=', session.id).executeTakeFirst();
    clock += 30_000;
    await sessions.checkLive([session.id]);
    expect(Number((await row())?.last_seen_at)).toBe(session.createdAt); // too soon to write
    for (let i = 0; i < 90; i++) {
      clock += 60_000; // an hour and a half: past idleSeconds (600) and maxSeconds (3600)
      expect(await sessions.checkLive([session.id])).toEqual(new Set([session.id]));
    }
    const r = await row();
    expect(Number(r?.idle_expires_at)).toBe(clock + 600_000);
    expect(Number(r?.expires_at)).toBeGreaterThanOrEqual(Number(r?.idle_expires_at));
    expect(await sessions.sweep()).toBe(0);
    expect((await sessions.listForUser(alice.id)).map((s) => s.channel)).toEqual(['pop3']);
  });

  it('checkLive: answers for more sessions than one query takes (500 ids each)', async () => {
    const ids = [];
    for (let i = 0; i < 620; i++) ids.push((await pop3(i % 2 ? alice.id : bob.id)).session.id);
    expect((await sessions.checkLive(ids)).size).toBe(620);
  });

  it('the watcher ends a connection at once on "end sessions", within a check when disabled or gone', async () => {
    const watcher = createConnectionSessions({ registry: sessions, log, checkMs: 20 });
    try {
      const ended = new Map<string, ConnectionEndReason>();
      const open = async (user: User, name: string) =>
        watcher.open({ userId: user.id, channel: 'pop3', client }, (why) => ended.set(name, why));
      const [a1, a2, b1, b2] = [
        await open(alice, 'a1'),
        await open(alice, 'a2'),
        await open(bob, 'b1'),
        await open(bob, 'b2'),
      ];
      expect(await sessions.revokeForUser(alice.id, 'admin')).toBe(2);
      expect(Object.fromEntries(ended)).toEqual({ a1: 'admin', a2: 'admin' }); // synchronously, by the listener
      await directory.updateUser('bob@example.com', { enabled: false });
      await until(() => ended.size === 4, 'the disabled user’s connections end');
      expect(Object.fromEntries(ended)).toMatchObject({ b1: 'user_disabled', b2: 'user_disabled' });

      await directory.updateUser('bob@example.com', { enabled: true });
      const b3 = await open(bob, 'b3');
      await database.db.deleteFrom('sessions').where('id', '=', b3.id).execute();
      await until(() => ended.has('b3'), 'a connection whose row is gone ends');
      expect(ended.get('b3')).toBe('ended');

      const b4 = await open(bob, 'b4');
      await b4.close();
      await Promise.all([a1.close(), a2.close(), b1.close(), b2.close()]); // already ended: nothing happens
      expect(ended.has('b4')).toBe(false);
      expect(await sessions.listForUser(bob.id)).toEqual([]);
    } finally {
      watcher.stop();
    }
  });
});
