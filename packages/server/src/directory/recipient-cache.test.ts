import { describe, expect, it } from 'vitest';
import { createRecipientCache } from './recipient-cache.js';
import type { RecipientResolution } from './types.js';

const user = (id: string, usedBytes = 0) => ({
  id,
  address: `${id}@example.com`,
  quotaBytes: 1000,
  usedBytes,
});

/** A backing lookup that counts its calls and answers from a table the test changes. */
function backing(table: Record<string, RecipientResolution | null>) {
  const calls: string[] = [];
  return {
    calls,
    resolve: async (address: string) => {
      calls.push(address);
      const found = table[address] ?? null;
      return found && { ...found, users: found.users.map((u) => ({ ...u })) };
    },
  };
}

function clock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('recipient cache', () => {
  it('reuses a resolution that delivers until ttlMs has passed, then asks again', async () => {
    const c = clock();
    const table = { 'a@example.com': { kind: 'user' as const, users: [user('a')] } };
    const db = backing(table);
    const cache = createRecipientCache({ ttlMs: 1000, now: c.now });
    expect(await cache.resolve('a@example.com', db.resolve)).toEqual(table['a@example.com']);
    c.advance(999);
    expect((await cache.resolve('a@example.com', db.resolve))?.users[0]?.id).toBe('a');
    expect(db.calls).toHaveLength(1);
    c.advance(1);
    table['a@example.com'] = { kind: 'user', users: [user('a2')] };
    expect((await cache.resolve('a@example.com', db.resolve))?.users[0]?.id).toBe('a2');
    expect(db.calls).toHaveLength(2);
  });

  it('asks every time for what does not deliver: unknown, disabled, a group without members', async () => {
    const table: Record<string, RecipientResolution | null> = {
      'off@example.com': { kind: 'user', users: [], disabled: true },
      'empty@example.com': { kind: 'group', users: [] },
    };
    const db = backing(table);
    const cache = createRecipientCache({ ttlMs: 60_000 });
    for (const a of ['ghost@example.com', 'off@example.com', 'empty@example.com']) {
      await cache.resolve(a, db.resolve);
      await cache.resolve(a, db.resolve);
    }
    expect(db.calls).toHaveLength(6);
    expect(cache.size).toBe(0);
    // Re-enabled: the next RCPT finds it at once.
    table['off@example.com'] = { kind: 'user', users: [user('off')] };
    expect((await cache.resolve('off@example.com', db.resolve))?.users).toHaveLength(1);
  });

  it('is off at ttlMs 0', async () => {
    const db = backing({ 'a@example.com': { kind: 'user', users: [user('a')] } });
    const cache = createRecipientCache({ ttlMs: 0 });
    await cache.resolve('a@example.com', db.resolve);
    await cache.resolve('a@example.com', db.resolve);
    expect(db.calls).toHaveLength(2);
    expect(cache.size).toBe(0);
  });

  it('does not store a read that was under way when it was invalidated', async () => {
    const table = { 'a@example.com': { kind: 'user' as const, users: [user('a')] } };
    let release: () => void = () => {};
    const slow = async (address: string) => {
      await new Promise<void>((r) => {
        release = r;
      });
      return backing(table).resolve(address);
    };
    const cache = createRecipientCache({ ttlMs: 60_000 });
    const pending = cache.resolve('a@example.com', slow);
    cache.invalidate();
    release();
    expect((await pending)?.users[0]?.id).toBe('a');
    expect(cache.size).toBe(0);
  });

  it('charges stored bytes to every cached address of a user, and forgets a user on request', async () => {
    const table: Record<string, RecipientResolution> = {
      'a@example.com': { kind: 'user', users: [user('a', 100)] },
      'alias@example.com': { kind: 'alias', users: [user('a', 100)] },
      'team@example.com': { kind: 'group', users: [user('a', 100), user('b', 5)] },
    };
    const db = backing(table);
    const cache = createRecipientCache({ ttlMs: 60_000 });
    for (const a of Object.keys(table)) await cache.resolve(a, db.resolve);
    cache.charge(['a', 'a', 'b'], 10);
    const used = async (a: string) =>
      Object.fromEntries(((await cache.resolve(a, db.resolve))?.users ?? []).map((u) => [u.id, u.usedBytes]));
    expect(await used('a@example.com')).toEqual({ a: 120 });
    expect(await used('alias@example.com')).toEqual({ a: 120 });
    expect(await used('team@example.com')).toEqual({ a: 120, b: 15 });
    expect(db.calls).toHaveLength(3);
    cache.forgetUsers(['b']);
    expect(cache.size).toBe(2);
    await used('team@example.com');
    expect(db.calls).toHaveLength(4);
  });

  it('hands out copies: a caller changing what it got changes nothing cached', async () => {
    const db = backing({ 'a@example.com': { kind: 'user', users: [user('a', 7)] } });
    const cache = createRecipientCache({ ttlMs: 60_000 });
    const first = await cache.resolve('a@example.com', db.resolve);
    if (first?.users[0]) first.users[0].usedBytes = 999;
    const second = await cache.resolve('a@example.com', db.resolve);
    if (second?.users[0]) second.users[0].usedBytes = 999;
    expect((await cache.resolve('a@example.com', db.resolve))?.users[0]?.usedBytes).toBe(7);
  });

  it('keeps at most maxEntries, dropping the oldest', async () => {
    const table: Record<string, RecipientResolution> = {};
    for (const id of ['a', 'b', 'c']) table[`${id}@example.com`] = { kind: 'user', users: [user(id)] };
    const db = backing(table);
    const cache = createRecipientCache({ ttlMs: 60_000, maxEntries: 2 });
    for (const a of Object.keys(table)) await cache.resolve(a, db.resolve);
    expect(cache.size).toBe(2);
    await cache.resolve('c@example.com', db.resolve);
    await cache.resolve('b@example.com', db.resolve);
    expect(db.calls).toHaveLength(3);
    // A hit does not make an entry younger: storing a drops b, the oldest stored.
    await cache.resolve('a@example.com', db.resolve);
    expect(db.calls).toHaveLength(4);
    cache.charge(['b'], 1);
    expect(cache.size).toBe(2);
    await cache.resolve('c@example.com', db.resolve);
    expect(db.calls).toHaveLength(4);
    expect((await cache.resolve('b@example.com', db.resolve))?.users[0]?.usedBytes).toBe(0);
    expect(db.calls).toHaveLength(5);
  });
});
