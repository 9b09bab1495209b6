/**
 * Leaky buckets that make clients wait, behind an async store so the
 * counters can live in this process (`createMemoryBucketStore`) or be shared
 * by several nodes (a Redis store: see {@link BucketStore}).
 */

/** How one kind of bucket fills, drains and makes its clients wait. */
export interface BucketRule {
  /** The kind (`login-pair`, `login-ip` …): a store keeps each kind apart and bounds it on its own. */
  name: string;
  /** Attempts the bucket holds before anyone waits. */
  free: number;
  /** The bucket loses one attempt per this many ms. */
  leakMs: number;
  /** The first wait once the bucket is past `free`; each further attempt doubles it. */
  baseMs: number;
  /** The longest wait. */
  maxMs: number;
}

/** One bucket: a kind and whose it is (an account, an address …). */
export interface Bucket {
  rule: BucketRule;
  key: string;
}

/**
 * The counters behind the login guard. Every method is one atomic step, so
 * parallel callers (or nodes) cannot slip between a check and its charge.
 * The store owns the clock: rules travel with each call, so a store holds
 * no configuration of its own.
 *
 * A Redis store is a drop-in: a bucket is a hash `{ level, at, until }` under
 * `<prefix>:<rule.name>:<key>` with a PEXPIRE of the time it needs to leak
 * empty; `take`, `refund` and `clear` are each one Lua script over the
 * buckets' keys that reads the time with `TIME` (so nodes need not agree on
 * their clocks) and applies the arithmetic of {@link levelAt} and
 * {@link waitAfter}; `remember` is `SADD` + `PEXPIRE` (+ `SCARD` to bound it).
 */
export interface BucketStore {
  /** Each bucket's level now (drained by the time passed); 0 for one never filled. */
  levels(buckets: readonly Bucket[]): Promise<number[]>;
  /**
   * If none of the buckets makes the caller wait, adds one attempt to each
   * and resolves 0; otherwise changes nothing and resolves the longest wait
   * in ms. A refused attempt costs nothing and is not counted.
   */
  take(buckets: readonly Bucket[]): Promise<number>;
  /** Takes one attempt back from each bucket: may shorten a wait in force, never lengthen it. */
  refund(buckets: readonly Bucket[]): Promise<void>;
  /** Empties the buckets and ends their waits. */
  clear(buckets: readonly Bucket[]): Promise<void>;
  /**
   * Remembers `mark` under `key` for `ttlMs` (a few marks per key, the
   * oldest forgotten first); resolves true when it was remembered already.
   */
  remember(key: string, mark: string, ttlMs: number): Promise<boolean>;
}

/** What a store keeps per bucket. */
export interface BucketState {
  /** Attempts in the bucket at `at`, before draining. */
  level: number;
  at: number;
  /** Until when the next attempt waits. */
  until: number;
}

/** The bucket's level at `now`: what it held, less what leaked since. */
export function levelAt(rule: BucketRule, state: BucketState | undefined, now: number): number {
  return state ? Math.max(0, state.level - (now - state.at) / rule.leakMs) : 0;
}

/** The wait a bucket at `level` imposes: none up to `free`, then `baseMs` doubling per attempt, capped. */
export function waitAfter(rule: BucketRule, level: number): number {
  if (level <= rule.free) return 0;
  return Math.min(rule.maxMs, rule.baseMs * 2 ** Math.ceil(level - rule.free - 1));
}

/**
 * A bucket's state after `delta` attempts are added (1) or taken back (-1)
 * at `now`. Adding sets the wait the new level imposes; taking back may
 * shorten the wait in force, never lengthen it.
 */
export function addAttempts(
  rule: BucketRule,
  state: BucketState | undefined,
  delta: number,
  now: number,
): BucketState {
  const level = Math.max(0, levelAt(rule, state, now) + delta);
  const until = now + waitAfter(rule, level);
  return { level, at: now, until: delta < 0 ? Math.min(until, state?.until ?? 0) : until };
}
