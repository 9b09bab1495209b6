/** Options of {@link createFailureLimiter}. */
export interface FailureLimiterOptions {
  /** Failed attempts allowed per key and window. */
  maxFailures: number;
  windowMs: number;
  /** Keys remembered at most; the oldest are forgotten first, so memory stays bounded under a spray of IPs. */
  maxKeys?: number;
  now?: () => number;
}

/**
 * Counts failed authentications per key (the client IP) in fixed windows.
 * Once a key reaches `maxFailures`, every credentialed request from it is
 * refused until the window ends — valid ones too, or the answer would tell
 * an attacker which guess was right.
 */
export interface FailureLimiter {
  /** Seconds to wait before trying again; 0 when not blocked. */
  retryAfter(key: string): number;
  recordFailure(key: string): void;
}

export function createFailureLimiter(options: FailureLimiterOptions): FailureLimiter {
  const { maxFailures, windowMs, maxKeys = 10_000, now = Date.now } = options;
  const windows = new Map<string, { count: number; resetAt: number }>();

  const current = (key: string) => {
    const w = windows.get(key);
    if (w && w.resetAt <= now()) {
      windows.delete(key);
      return undefined;
    }
    return w;
  };

  return {
    retryAfter(key) {
      const w = current(key);
      if (!w || w.count < maxFailures) return 0;
      return Math.max(1, Math.ceil((w.resetAt - now()) / 1000));
    },
    recordFailure(key) {
      const w = current(key);
      if (w) {
        w.count += 1;
        return;
      }
      if (windows.size >= maxKeys) {
        const oldest = windows.keys().next().value;
        if (oldest !== undefined) windows.delete(oldest);
      }
      windows.set(key, { count: 1, resetAt: now() + windowMs });
    },
  };
}
