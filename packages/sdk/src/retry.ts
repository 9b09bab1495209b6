/** Statuses after which the server did not act on the request, so any method may be sent again. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 503]);

/**
 * "Full jitter" backoff: a random wait between 0 and min(cap, base·2^attempt),
 * which spreads retrying clients out instead of having them return in step.
 */
export function backoffMs(
  attempt: number,
  baseMs: number,
  capMs: number,
  random: () => number = Math.random,
): number {
  return Math.floor(random() * Math.min(capMs, baseMs * 2 ** attempt));
}

/**
 * `Retry-After` (RFC 9110 §10.2.3) in milliseconds: delay-seconds or an
 * HTTP-date; null when absent or unreadable.
 */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
