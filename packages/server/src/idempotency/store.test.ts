import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../test/harness/databases.js';
import { type Database, openDatabase } from '../store/index.js';
import {
  createIdempotencyStore,
  fingerprintOf,
  IDEMPOTENCY_TTL_MS,
  type IdempotencyStore,
  STALE_CLAIM_MS,
} from './index.js';

const databases = useDatabases();

describe.each(databases.engines)('idempotency keys on %s', (engine) => {
  let database: Database;
  let store: IdempotencyStore;
  beforeEach(async () => {
    database = await openDatabase(await databases.fresh(engine));
    store = createIdempotencyStore(database.db);
  });
  afterEach(() => database.close());

  const fp = fingerprintOf('POST', '/users/a@example.com/send', { subject: 'x' });
  const ageRow = (created_at: number) =>
    database.db.updateTable('idempotency_keys').set({ created_at }).execute();

  it('claims a new key, replays its outcome, and keeps callers and keys apart', async () => {
    expect(await store.begin('api_key:1', 'k1', fp)).toEqual({ state: 'claimed' });
    await expect(store.begin('api_key:1', 'k1', fp)).rejects.toMatchObject({
      code: 'IDEMPOTENCY_KEY_IN_USE',
      status: 409,
    });
    await store.complete('api_key:1', 'k1', 201, { id: 'm1', messageId: '<m1@x>' });
    expect(await store.begin('api_key:1', 'k1', fp)).toEqual({
      state: 'done',
      status: 201,
      body: { id: 'm1', messageId: '<m1@x>' },
    });
    // The same key from another caller, or another key, is a new request.
    expect(await store.begin('app:jdc_2', 'k1', fp)).toEqual({ state: 'claimed' });
    expect(await store.begin('api_key:1', 'k2', fp)).toEqual({ state: 'claimed' });
  });

  it('refuses a key reused with another request', async () => {
    await store.begin('user:1', 'k', fp);
    await store.complete('user:1', 'k', 201, {});
    const other = fingerprintOf('POST', '/users/a@example.com/send', { subject: 'y' });
    await expect(store.begin('user:1', 'k', other)).rejects.toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
      status: 422,
    });
  });

  it('lets a failed request go: a released key is claimed again', async () => {
    await store.begin('user:1', 'k', fp);
    await store.release('user:1', 'k');
    expect(await store.begin('user:1', 'k', fp)).toEqual({ state: 'claimed' });
    // Release never drops a finished outcome.
    await store.complete('user:1', 'k', 201, { ok: 1 });
    await store.release('user:1', 'k');
    expect(await store.begin('user:1', 'k', fp)).toMatchObject({ state: 'done', body: { ok: 1 } });
  });

  it('takes over a claim left by a process that died, once', async () => {
    await store.begin('user:1', 'k', fp);
    await ageRow(Date.now() - STALE_CLAIM_MS - 1000);
    const [a, b] = await Promise.allSettled([store.begin('user:1', 'k', fp), store.begin('user:1', 'k', fp)]);
    const outcomes = [a, b].map((r) =>
      r.status === 'fulfilled' ? r.value.state : (r.reason as { code: string }).code,
    );
    expect(outcomes.sort()).toEqual(['IDEMPOTENCY_KEY_IN_USE', 'claimed']);
  });

  it('forgets outcomes after a day, by sweep or on the next use of the key', async () => {
    await store.begin('user:1', 'old', fp);
    await store.complete('user:1', 'old', 201, {});
    await ageRow(Date.now() - IDEMPOTENCY_TTL_MS - 1000);
    expect(await store.begin('user:1', 'old', fp)).toEqual({ state: 'claimed' });
    await store.begin('user:1', 'other', fp);
    expect(await store.sweep(Date.now() + IDEMPOTENCY_TTL_MS + 1000)).toBe(2);
    expect(await database.db.selectFrom('idempotency_keys').selectAll().execute()).toEqual([]);
  });
});
