import { addAttempts, type Bucket, type BucketState, type BucketStore, levelAt } from './bucket-store.js';

export interface MemoryBucketStoreOptions {
  /** The clock (tests pass a fake one). */
  now?: () => number;
  /** Buckets kept per kind, and keys with remembered marks; the least recently used go first. */
  maxKeys?: number;
}

/** Marks remembered per key (e.g. the last few wrong passwords of one address at one account). */
const MARKS_PER_KEY = 8;

/**
 * The counters in this process's memory: exact and free, but per node — with
 * N nodes an attacker gets up to N times each budget. Each method runs to
 * completion without yielding, which makes it atomic in Node.
 */
export function createMemoryBucketStore(options: MemoryBucketStoreOptions = {}): BucketStore {
  const now = options.now ?? Date.now;
  const maxKeys = options.maxKeys ?? 100_000;
  const kinds = new Map<string, Map<string, BucketState>>();
  const marks = new Map<string, Map<string, number>>();

  const kind = (b: Bucket) => {
    const m = kinds.get(b.rule.name) ?? new Map<string, BucketState>();
    kinds.set(b.rule.name, m);
    return m;
  };
  /** Re-inserts, so a Map's order is least recently used first; an empty bucket is dropped. */
  const put = <V>(map: Map<string, V>, key: string, value: V | undefined) => {
    map.delete(key);
    if (value === undefined) return;
    if (map.size >= maxKeys) map.delete(map.keys().next().value as string);
    map.set(key, value);
  };
  const change = (b: Bucket, delta: number, t: number) => {
    const m = kind(b);
    const next = addAttempts(b.rule, m.get(b.key), delta, t);
    put(m, b.key, next.level > 0 || next.until > t ? next : undefined);
  };

  return {
    async levels(buckets) {
      const t = now();
      return buckets.map((b) => levelAt(b.rule, kinds.get(b.rule.name)?.get(b.key), t));
    },
    async take(buckets) {
      const t = now();
      const wait = Math.max(0, ...buckets.map((b) => (kinds.get(b.rule.name)?.get(b.key)?.until ?? 0) - t));
      if (wait > 0) return wait;
      for (const b of buckets) change(b, 1, t);
      return 0;
    },
    async refund(buckets) {
      const t = now();
      for (const b of buckets) change(b, -1, t);
    },
    async clear(buckets) {
      for (const b of buckets) kinds.get(b.rule.name)?.delete(b.key);
    },
    async remember(key, mark, ttlMs) {
      const t = now();
      const known = new Map([...(marks.get(key) ?? [])].filter(([, expires]) => expires > t));
      const seen = known.has(mark);
      known.delete(mark);
      known.set(mark, t + ttlMs);
      if (known.size > MARKS_PER_KEY) known.delete(known.keys().next().value as string);
      put(marks, key, known);
      return seen;
    },
  };
}
