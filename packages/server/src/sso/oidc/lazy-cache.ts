/** Options of {@link lazyCache}. */
export interface LazyCacheOptions {
  /** A loaded value is used this long, then reloaded on the next use (the old one serves if that fails). */
  ttlMs: number;
  /** After a failed load with nothing cached, callers fail fast for this long, doubling per failure … */
  minBackoffMs: number;
  /** … up to this. */
  maxBackoffMs: number;
  /** Attempts per load (a short pause between them). */
  attempts?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Thrown while a failed load is backing off. */
export class BackingOff extends Error {
  constructor(
    readonly retryInMs: number,
    cause: unknown,
  ) {
    super(`not loaded; retrying in ${Math.ceil(retryInMs / 1000)} s: ${(cause as Error)?.message ?? cause}`, {
      cause,
    });
  }
}

/**
 * A value loaded on first use (an IdP's discovery document), shared by
 * concurrent callers, reloaded when stale, retried on failure — with a
 * backoff, so an IdP that is down is not hit by every sign-in attempt and
 * does not hold up jdmail's start.
 */
export function lazyCache<T>(load: () => Promise<T>, options: LazyCacheOptions): () => Promise<T> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const attempts = options.attempts ?? 2;
  let cached: { value: T; at: number } | undefined;
  let inflight: Promise<T> | undefined;
  let failures = 0;
  let retryAt = 0;
  let lastError: unknown;

  async function loadWithRetries(): Promise<T> {
    for (let i = 1; ; i++) {
      try {
        return await load();
      } catch (err) {
        if (i >= attempts) throw err;
        await sleep(250 * i);
      }
    }
  }

  return async () => {
    if (cached && now() - cached.at < options.ttlMs) return cached.value;
    if (inflight) return inflight;
    if (now() < retryAt) {
      if (cached) return cached.value;
      throw new BackingOff(retryAt - now(), lastError);
    }
    inflight = (async () => {
      try {
        const value = await loadWithRetries();
        cached = { value, at: now() };
        failures = 0;
        return value;
      } catch (err) {
        failures++;
        lastError = err;
        retryAt = now() + Math.min(options.maxBackoffMs, options.minBackoffMs * 2 ** (failures - 1));
        if (cached) return cached.value; // stale beats nothing; reload again after the backoff
        throw err;
      } finally {
        inflight = undefined;
      }
    })();
    return inflight;
  };
}
