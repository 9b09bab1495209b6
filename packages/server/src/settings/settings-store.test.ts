import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../test/harness/databases.js';
import { createDirectory, type Directory, type User } from '../directory/index.js';
import { type Database, insertDefaultMailboxes, openDatabase } from '../store/index.js';
import { createUserSettingsService, type UserSettingsService } from './service.js';
import { createSettingsStore, type SettingsStore } from './settings-store.js';

// The settings rows and the auto-reply memory (migration 0021-user-settings), on both engines.

const databases = useDatabases();
const DAY = 86_400_000;

describe.each(databases.engines)('user settings storage on %s', (engine) => {
  let database: Database;
  let dir: Directory;
  let store: SettingsStore;
  let service: UserSettingsService;
  let alice: User;

  beforeAll(async () => {
    database = await openDatabase(await databases.fresh(engine));
    dir = createDirectory({
      db: database.db,
      prepareRead: database.prepareRead,
      recipientCacheMs: 0,
      defaultQuotaBytes: 1_000_000,
      createMailboxes: (trx, id) => insertDefaultMailboxes(trx, id),
      releaseBlobs: async () => {},
    });
    await dir.createDomain('a.test');
    alice = await dir.createUser({ address: 'alice@a.test', aliases: ['ali@a.test'], displayName: 'Alice' });
    store = createSettingsStore(database.db);
    service = createUserSettingsService({ store, directory: dir });
  });
  afterAll(() => database?.close());

  it('gives the defaults, then keeps what was changed and only that', async () => {
    const first = await service.get(alice);
    expect(first).toMatchObject({
      displayName: 'Alice',
      language: null,
      vacation: { enabled: false, days: 7 },
      forwarding: { enabled: false, to: [], keepCopy: true },
      updatedAt: null,
    });
    await service.update(alice, { language: 'zh-CN', signature: { text: '张三' } });
    const saved = await service.update(alice, {
      displayName: '张三',
      forwarding: { enabled: true, to: ['bob@b.test'], keepCopy: false },
    });
    expect(saved).toMatchObject({
      displayName: '张三',
      language: 'zh-CN',
      signature: { text: '张三', html: '' },
      forwarding: { enabled: true, to: ['bob@b.test'], keepCopy: false },
    });
    expect((await dir.getUser('alice@a.test')).displayName).toBe('张三');
    expect(await store.get(alice.id)).toEqual({
      ...saved,
      displayName: undefined,
      updatedAt: saved.updatedAt,
    });
  });

  it('auto-replies once per sender per days, and a new auto-reply period answers everyone again', async () => {
    const t = Date.UTC(2026, 0, 1);
    expect(await store.claimAutoReply(alice.id, 'Bob@B.test', 7, t)).toBe(true);
    expect(await store.claimAutoReply(alice.id, 'bob@b.test', 7, t + 6 * DAY)).toBe(false);
    expect(await store.claimAutoReply(alice.id, 'carol@b.test', 7, t + 6 * DAY)).toBe(true);
    expect(await store.claimAutoReply(alice.id, 'bob@b.test', 7, t + 7 * DAY)).toBe(true);
    // Two deliveries at once: one reply.
    const both = await Promise.all([
      store.claimAutoReply(alice.id, 'dave@b.test', 7, t),
      store.claimAutoReply(alice.id, 'dave@b.test', 7, t),
    ]);
    expect(both.filter(Boolean)).toHaveLength(1);
    await service.update(alice, { vacation: { enabled: true, text: 'away', days: 7 } });
    expect(await store.claimAutoReply(alice.id, 'dave@b.test', 7, t + DAY)).toBe(true);
  });
});
