import type { RecipientResolution } from './types.js';

export interface RecipientCacheOptions {
  /** How long a resolution is used without asking the database again; 0 turns the cache off. */
  ttlMs: number;
  /** Most addresses kept; the least recently stored go first. */
  maxEntries?: number;
  /** Milliseconds on a monotonic clock (default `performance.now`; a wall clock set back would stretch lifetimes); for tests. */
  now?: () => number;
}

/**
 * Recent recipient resolutions, so that a busy address costs one database read
 * per `ttlMs` instead of one per RCPT TO. On SQLite each read is a read
 * transaction of its own (two `fcntl` locks, and page reads from the WAL that a
 * commit of the delivery thread has just invalidated): at a few thousand
 * messages a second that was ≈ 12% of the server's CPU (bench/README.md).
 *
 * What it keeps and for how long:
 * - Only resolutions that deliver: an unknown address, a disabled user or a
 *   group without members is asked again every time, so a user created a
 *   moment ago receives mail at once.
 * - Changes made through this process (the directory's writes, LDAP sync) call
 *   {@link invalidate}; a read that was under way meanwhile is not stored, so
 *   it cannot bring an older answer back.
 * - Used bytes follow this process's deliveries ({@link charge}) and removals
 *   ({@link forgetUsers}), so the quota check at RCPT sees a mailbox fill up
 *   at once. A read that lands between a commit and its charge counts that
 *   message twice until the entry expires: the check errs towards a
 *   temporary 452, never past the quota.
 * - Writes by another process (the CLI on the same data directory, another
 *   node on the same PostgreSQL) show within `ttlMs`. What that can do is
 *   bounded: a user disabled or deleted there may still be offered mail for
 *   that long (a deleted one is then answered 451 at DATA, the store having no
 *   mailbox for it), and a quota may be overrun by that long's deliveries on
 *   the other nodes.
 */
export interface RecipientCache {
  /** `resolve(address)` through the cache. */
  resolve(
    address: string,
    resolve: (address: string) => Promise<RecipientResolution | null>,
  ): Promise<RecipientResolution | null>;
  /** Drops everything, and keeps reads under way from storing what they found. */
  invalidate(): void;
  /** Adds stored bytes to the cached usage of these users (a user listed twice is charged twice). */
  charge(userIds: readonly string[], bytes: number): void;
  /** Drops every resolution that reaches one of these users. */
  forgetUsers(userIds: readonly string[]): void;
  readonly size: number;
}

interface Entry {
  storedAt: number;
  value: RecipientResolution;
}

export function createRecipientCache(options: RecipientCacheOptions): RecipientCache {
  const { ttlMs } = options;
  const maxEntries = Math.max(1, options.maxEntries ?? 10_000);
  const now = options.now ?? (() => performance.now());
  const entries = new Map<string, Entry>();
  /** Cached addresses per user id, for charge and forgetUsers. */
  const byUser = new Map<string, Set<string>>();
  let generation = 0;

  /** Callers may keep what they were given, and charge() changes only the cache's own objects. */
  const copy = (v: RecipientResolution): RecipientResolution => ({
    ...v,
    users: v.users.map((u) => ({ ...u })),
  });

  function drop(address: string): void {
    const entry = entries.get(address);
    if (!entry) return;
    entries.delete(address);
    for (const u of entry.value.users) {
      const keys = byUser.get(u.id);
      keys?.delete(address);
      if (keys?.size === 0) byUser.delete(u.id);
    }
  }

  function store(address: string, value: RecipientResolution): void {
    drop(address);
    const own = copy(value);
    entries.set(address, { storedAt: now(), value: own });
    for (const u of own.users) {
      const keys = byUser.get(u.id) ?? new Set<string>();
      keys.add(address);
      byUser.set(u.id, keys);
    }
    // Map order is insertion order, and store() re-inserts: the first key is the oldest.
    while (entries.size > maxEntries) drop(entries.keys().next().value as string);
  }

  return {
    async resolve(address, resolve) {
      if (ttlMs <= 0) return resolve(address);
      const hit = entries.get(address);
      if (hit && now() - hit.storedAt < ttlMs) return copy(hit.value);
      const started = generation;
      const value = await resolve(address);
      if (started !== generation) return value;
      if (value && !value.disabled && value.users.length > 0) store(address, value);
      else drop(address);
      return value;
    },
    invalidate() {
      generation += 1;
      entries.clear();
      byUser.clear();
    },
    charge(userIds, bytes) {
      // A read under way may have read the usage before this delivery: it must not be stored.
      generation += 1;
      for (const id of userIds) {
        for (const address of byUser.get(id) ?? []) {
          for (const u of entries.get(address)?.value.users ?? []) if (u.id === id) u.usedBytes += bytes;
        }
      }
    },
    forgetUsers(userIds) {
      // A read under way may have read the old usage: it must not be stored either.
      generation += 1;
      for (const id of userIds) for (const address of [...(byUser.get(id) ?? [])]) drop(address);
    },
    get size() {
      return entries.size;
    },
  };
}
