/**
 * Growing delays after failed password sign-ins, designed so that nobody can
 * lock a real user out.
 *
 * Three leaky buckets, each with its own job:
 *
 * - **(account, IP)**: one guesser at one account. A few typos are free,
 *   then the wait doubles up to 15 minutes. This is the strong limit, and
 *   a stranger elsewhere shares no bucket with the real user, so it costs
 *   the real user nothing.
 * - **IP**: one address spraying many accounts (the pair limit alone would
 *   give it a fresh budget per account). Generous burst and a leak of one
 *   failure a minute, so a whole office behind one NAT address mistyping
 *   now and then never fills it, while a spray stalls within seconds.
 * - **account** (all IPs together): many addresses guessing one account.
 *   It grows slowly and is **capped at 30 seconds**: the worst a botnet can
 *   do to the real user is make them wait half a minute — never a lockout —
 *   while the botnet is held to about one guess per 30 s per account.
 *
 * A wait is answered with 429 and `Retry-After` *before* the password is
 * checked, so a refused attempt reveals nothing. An attempt counts as failed
 * from the moment it starts (and is refunded on success), so a burst of
 * parallel requests cannot slip past the counters while the slow password
 * hash runs. A success empties the account's buckets but only refunds its
 * own count in the IP bucket: owning one account must not reset a spray.
 *
 * Counters live in memory, per node: with N nodes an attacker gets at most
 * N times the budget. A shared store (Redis) can replace the maps later.
 */
import { normalizeAddress } from '../../shared/index.js';

export interface LoginGuard {
  /** Seconds until this account may be tried from this IP; 0 when it may be now. */
  retryAfter(account: string, ip: string): number;
  /** Counts an attempt that is starting; settle it with the returned handle. */
  begin(account: string, ip: string): LoginAttempt;
}

export interface LoginAttempt {
  /** The password was right: the account's counters are cleared. */
  succeeded(): void;
  /** The password was wrong or the account unknown: the count stays. */
  failed(): void;
  /** Nothing was checked (e.g. the directory was unreachable): the count is refunded. */
  cancelled(): void;
}

interface Rule {
  /** Failures in the bucket before any wait. */
  free: number;
  /** The bucket loses one failure per this many ms. */
  leakMs: number;
  /** The first wait; each further failure doubles it. */
  baseMs: number;
  maxMs: number;
}

export const LOGIN_RULES: Record<'pair' | 'ip' | 'account', Rule> = {
  pair: { free: 5, leakMs: 5 * 60_000, baseMs: 1000, maxMs: 15 * 60_000 },
  ip: { free: 30, leakMs: 60_000, baseMs: 1000, maxMs: 15 * 60_000 },
  account: { free: 10, leakMs: 30_000, baseMs: 1000, maxMs: 30_000 },
};

export interface LoginGuardOptions {
  now?: () => number;
  /** Buckets kept per kind; the least recently used go first. */
  maxKeys?: number;
  rules?: Partial<typeof LOGIN_RULES>;
}

interface Bucket {
  /** Failures in the bucket at `at`, before leaking. */
  level: number;
  at: number;
  /** Earliest time the next attempt is allowed. */
  until: number;
}

function createBuckets(rule: Rule, now: () => number, maxKeys: number) {
  const buckets = new Map<string, Bucket>();
  const level = (b: Bucket | undefined) => (b ? Math.max(0, b.level - (now() - b.at) / rule.leakMs) : 0);
  const waitFor = (l: number) =>
    l <= rule.free ? 0 : Math.min(rule.maxMs, rule.baseMs * 2 ** Math.ceil(l - rule.free - 1));
  const put = (key: string, b: Bucket) => {
    buckets.delete(key); // re-insert: Map order is the LRU order
    if (b.level <= 0) return;
    if (buckets.size >= maxKeys) buckets.delete(buckets.keys().next().value as string);
    buckets.set(key, b);
  };
  return {
    waitMs: (key: string) => Math.max(0, (buckets.get(key)?.until ?? 0) - now()),
    add(key: string, delta: number) {
      const b = buckets.get(key);
      const l = Math.max(0, level(b) + delta);
      const until = now() + waitFor(l);
      // A refund may shorten the current wait, never lengthen it.
      put(key, { level: l, at: now(), until: delta < 0 ? Math.min(until, b?.until ?? 0) : until });
    },
    clear: (key: string) => buckets.delete(key),
  };
}

export function createLoginGuard(options: LoginGuardOptions = {}): LoginGuard {
  const now = options.now ?? Date.now;
  const maxKeys = options.maxKeys ?? 100_000;
  const rules = { ...LOGIN_RULES, ...options.rules };
  const pair = createBuckets(rules.pair, now, maxKeys);
  const byIp = createBuckets(rules.ip, now, maxKeys);
  const byAccount = createBuckets(rules.account, now, maxKeys);
  const keys = (account: string, ip: string) => {
    const a = normalizeAddress(account);
    return { pair: `${a}\n${ip}`, ip, account: a };
  };

  return {
    retryAfter(account, ip) {
      const k = keys(account, ip);
      const ms = Math.max(pair.waitMs(k.pair), byIp.waitMs(k.ip), byAccount.waitMs(k.account));
      return Math.ceil(ms / 1000);
    },
    begin(account, ip) {
      const k = keys(account, ip);
      pair.add(k.pair, 1);
      byIp.add(k.ip, 1);
      byAccount.add(k.account, 1);
      let settled = false;
      const settle = (fn: () => void) => () => {
        if (settled) return;
        settled = true;
        fn();
      };
      return {
        succeeded: settle(() => {
          pair.clear(k.pair);
          byAccount.clear(k.account);
          byIp.add(k.ip, -1);
        }),
        failed: settle(() => {}),
        cancelled: settle(() => {
          pair.add(k.pair, -1);
          byIp.add(k.ip, -1);
          byAccount.add(k.account, -1);
        }),
      };
    },
  };
}
