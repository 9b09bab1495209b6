import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../../test/harness/databases.js';
import { createDirectory } from '../../directory/index.js';
import { type Database, insertDefaultMailboxes, openDatabase } from '../../store/index.js';
import { createSenderHistory, type SenderHistory } from './sender-history.js';

// The sender-history feature's table (migration 0019-sender-history), on both engines.

const databases = useDatabases();

describe.each(databases.engines)('sender history on %s', (engine) => {
  let database: Database;
  let history: SenderHistory;
  let t = 1_000_000;

  beforeAll(async () => {
    database = await openDatabase(await databases.fresh(engine));
    history = createSenderHistory({ db: database.db, cacheMs: 1000, now: () => t });
  });
  afterAll(() => database?.close());

  it('knows whom a domain wrote to, and their domain, only for that domain', async () => {
    const first = { writtenTo: false, domainWrittenTo: false, hamLearned: false };
    expect(await history.lookup(['corp.test'], ['Bob@Partner.example'])).toEqual(first);
    await history.noteWritten('corp.test', ['bob@partner.example', 'BOB@partner.example']);
    // Twice: the counter goes up, the row stays one (the upsert on each engine).
    await history.noteWritten('corp.test', ['bob@partner.example']);
    expect(await history.lookup(['corp.test'], ['bob@partner.example'])).toEqual({
      writtenTo: true,
      domainWrittenTo: true,
      hamLearned: false,
    });
    expect(await history.lookup(['corp.test'], ['carol@partner.example'])).toEqual({
      ...first,
      domainWrittenTo: true,
    });
    expect(await history.lookup(['other.test'], ['bob@partner.example'])).toEqual(first);
    const rows = await database.db
      .selectFrom('sender_history')
      .selectAll()
      .where('domain', '=', 'corp.test')
      .execute();
    expect(rows.map((r) => [r.sender, Number(r.written)]).sort()).toEqual([
      ['@partner.example', 2],
      ['bob@partner.example', 2],
    ]);
    // The null sender and a bare word are no sender at all.
    expect(await history.lookup(['corp.test'], ['', 'nobody'])).toBeNull();
  });

  it('learns ham senders per user domain, seen at once by this process and after the cache by others', async () => {
    const dir = createDirectory({
      db: database.db,
      prepareRead: database.prepareRead,
      recipientCacheMs: 0,
      defaultQuotaBytes: 1_000_000,
      createMailboxes: (trx, id) => insertDefaultMailboxes(trx, id),
      releaseBlobs: async () => {},
    });
    await dir.createDomain('corp.test');
    const alice = await dir.createUser({ address: 'alice@corp.test' });
    const other = createSenderHistory({ db: database.db, cacheMs: 1000, now: () => t });
    expect((await other.lookup(['corp.test'], ['news@list.example']))?.hamLearned).toBe(false);
    await history.noteHam(alice.id, 'News@List.example');
    expect((await history.lookup(['corp.test'], ['news@list.example']))?.hamLearned).toBe(true);
    // Another node's cached answer holds until its cache time has passed.
    expect((await other.lookup(['corp.test'], ['news@list.example']))?.hamLearned).toBe(false);
    t += 2000;
    expect((await other.lookup(['corp.test'], ['news@list.example']))?.hamLearned).toBe(true);
    // An unknown user id writes nothing.
    await history.noteHam('no-such-user', 'spam@bad.example');
    expect(
      await database.db
        .selectFrom('sender_history')
        .selectAll()
        .where('sender', '=', 'spam@bad.example')
        .execute(),
    ).toEqual([]);
  });
});
