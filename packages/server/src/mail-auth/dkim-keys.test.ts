import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../test/harness/databases.js';
import { type Database, openDatabase } from '../store/index.js';
import { createDkimKeys } from './index.js';

// DKIM keys in the SQL store (migration 0009-mail-auth), on both engines.

const databases = useDatabases();

describe.each(databases.engines)('DKIM keys on %s', (engine) => {
  let database: Database;

  beforeAll(async () => {
    database = await openDatabase(await databases.fresh(engine));
    await database.db
      .insertInto('domains')
      .values({ id: 'd1', name: 'keys.example', created_at: 0 })
      .execute();
  });
  afterAll(() => database?.close());

  it('rotations at once each get their own selector, and one key ends active', async () => {
    const keys = createDkimKeys({ db: database.db, bits: 1024, now: () => Date.UTC(2026, 11, 6) });
    // The authorization matrix rotated one domain from several callers at once: PostgreSQL answered 500
    // (two transactions chose the same free selector) until rotations took turns.
    const made = await Promise.all([1, 2, 3, 4].map(() => keys.rotate('keys.example')));
    const selectors = made.map((k) => k.selector);
    expect(new Set(selectors).size).toBe(4);
    expect(selectors.every((s) => s.startsWith('jdmail202612'))).toBe(true);
    const active = await database.db
      .selectFrom('dkim_keys')
      .select('selector')
      .where('active', '=', 1)
      .execute();
    expect(active).toHaveLength(1);
    expect((await keys.active('keys.example'))?.selector).toBe(active[0]?.selector);
  });
});
