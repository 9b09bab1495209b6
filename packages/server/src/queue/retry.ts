/**
 * The retry schedule. After the n-th failed attempt (n ≥ 1) the next one is
 * `schedule[n-1]` seconds later, the last value repeating, plus up to 10% at
 * random so that the jobs a remote outage deferred together do not all
 * return in the same second. With the default (`queue.retryScheduleSeconds`)
 * that is 5, 10, 20, 30 min, 1 h, 2 h, then every 4 h until
 * `queue.maxAgeHours` (5 days: 35 attempts).
 *
 * Between ZoneMTA's (5, 7, 8, 25, 75, 120 min, then 4 h) and Haraka's
 * (2^(n+5) s: 64 s … 36 h, 12 tries): early retries come quickly, because
 * most deferrals are greylisting (a retry after 5 min passes) or a short
 * outage; later ones every 4 hours, as Postfix's `maximal_backoff_time`
 * default (4000 s) and ZoneMTA do, so a long outage costs few connections.
 */
export function retryDelayMs(
  failedAttempts: number,
  scheduleSeconds: readonly number[],
  random: () => number = Math.random,
): number {
  const i = Math.min(Math.max(failedAttempts, 1), scheduleSeconds.length) - 1;
  const base = (scheduleSeconds[i] ?? 300) * 1000;
  return Math.round(base * (1 + 0.1 * random()));
}

/**
 * When the job should be tried next after its `failedAttempts`-th failure at
 * `now`; never after it expires, so that a message is given up (and bounced)
 * at `expiresAt`, not up to a schedule step later.
 */
export function nextAttemptAt(
  now: number,
  failedAttempts: number,
  expiresAt: number,
  scheduleSeconds: readonly number[],
  random?: () => number,
): number {
  return Math.min(now + retryDelayMs(failedAttempts, scheduleSeconds, random), expiresAt);
}
