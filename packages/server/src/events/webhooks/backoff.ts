/**
 * When to retry a failing endpoint, and when to give up on it.
 *
 * Exponential backoff with "equal jitter": after the n-th failure in a row
 * the wait is base·2^(n-1), capped at `max`, of which the second half is
 * random — endpoints that failed together (one outage) do not all come back
 * in the same second. With the defaults (5 s, 1 h) the waits are about
 * 5, 10, 20, 40 s … 34 min, then 1 h: 24 h of failing is about 30 attempts.
 */
export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
  /** Give up this long after the first failure of the run. */
  giveUpMs: number;
  /** Give up after this many failures in a row; 0: only `giveUpMs`. */
  maxFailures: number;
}

export function retryDelayMs(
  failures: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const exp = Math.min(Math.max(failures, 1) - 1, 40);
  const full = Math.min(policy.baseMs * 2 ** exp, policy.maxMs);
  return Math.round(full / 2 + (full / 2) * random());
}

/** After a failure: the reason to disable the endpoint, or when to try again. */
export function afterFailure(
  state: { failures: number; failingSince: number },
  now: number,
  policy: RetryPolicy,
  lastError: string,
  random?: () => number,
): { disable: string } | { retryAt: number } {
  if (policy.maxFailures > 0 && state.failures >= policy.maxFailures)
    return {
      disable: `${state.failures} failed attempts in a row (webhooks.disableAfterFailures); last: ${lastError}`,
    };
  const deadline = state.failingSince + policy.giveUpMs;
  if (now >= deadline) {
    const hours = Math.round((policy.giveUpMs / 3_600_000) * 100) / 100;
    return { disable: `failing for ${hours} h (webhooks.retryHours); last: ${lastError}` };
  }
  // The last attempt falls at the deadline, not a whole backoff step after it.
  return { retryAt: Math.min(now + retryDelayMs(state.failures, policy, random), deadline) };
}
