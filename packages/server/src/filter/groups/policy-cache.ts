import type { GroupPolicyOf } from './check-group-policy.js';
import type { GroupPolicies } from './group-policies.js';

export interface GroupPolicyCacheOptions {
  /** How long an address's policies are reused (`smtp.recipientCacheMs`); 0 asks the database every time. */
  ttlMs: number;
  /** Most addresses kept; the oldest go first. */
  maxEntries?: number;
  /** Monotonic milliseconds; for tests. */
  now?: () => number;
}

/**
 * Group policies with `policiesOf` cached per address, so that RCPT TO costs
 * no database read for a busy address (the same reasoning and lifetime as the
 * directory's recipient cache, see `directory/recipient-cache.ts`).
 *
 * - `replace` through this object empties the cache at once, and a read under
 *   way meanwhile does not store what it found (it may predate the change).
 * - Membership changes, and policy changes by another process or node, show
 *   within `ttlMs`.
 */
export function createCachedGroupPolicies(
  inner: GroupPolicies,
  options: GroupPolicyCacheOptions,
): GroupPolicies {
  const { ttlMs } = options;
  const maxEntries = Math.max(1, options.maxEntries ?? 10_000);
  const now = options.now ?? (() => performance.now());
  const entries = new Map<string, { at: number; value: GroupPolicyOf[] }>();
  let generation = 0;

  async function policiesOf(address: string): Promise<GroupPolicyOf[]> {
    if (ttlMs <= 0) return inner.policiesOf(address);
    const key = address.toLowerCase();
    const hit = entries.get(key);
    const t = now();
    if (hit && t - hit.at < ttlMs) return hit.value;
    const started = generation;
    const value = await inner.policiesOf(key);
    if (started === generation) {
      entries.delete(key);
      if (entries.size >= maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
      entries.set(key, { at: t, value });
    }
    return value;
  }

  return {
    get: (groupId) => inner.get(groupId),
    async replace(groupId, policy) {
      generation++;
      entries.clear();
      try {
        return await inner.replace(groupId, policy);
      } finally {
        // Again: a read that started before the write committed may have stored the old policy.
        generation++;
        entries.clear();
      }
    },
    groupsOf: (address) => inner.groupsOf(address),
    policiesOf,
  };
}
