/** Bounds on how long answers stay in the cache, in seconds. */
export interface CacheBounds {
  size: number;
  minTtl: number;
  maxTtl: number;
  maxNegativeTtl: number;
}

/** A cached outcome: records, or the node:dns code of a negative answer. */
export type CachedOutcome = { records: unknown[] } | { negative: 'ENOTFOUND' | 'ENODATA' };

interface Entry {
  outcome: CachedOutcome;
  expiresAt: number;
}

/**
 * DNS answers by (type, name), each kept for its TTL clamped to
 * [minTtl, maxTtl] — negative answers (RFC 2308) to at most maxNegativeTtl,
 * and for minTtl when the server sent no SOA to take a TTL from. The oldest
 * entry goes first when the cache is full (a Map keeps insertion order).
 */
export class DnsCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly bounds: CacheBounds,
    private readonly now: () => number,
  ) {}

  get(key: string): CachedOutcome | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.outcome;
  }

  setRecords(key: string, records: unknown[], ttl: number): void {
    const seconds = Math.min(Math.max(ttl, this.bounds.minTtl), this.bounds.maxTtl);
    this.put(key, { records }, seconds);
  }

  setNegative(key: string, code: 'ENOTFOUND' | 'ENODATA', ttl: number | null): void {
    const ceiling = Math.min(this.bounds.maxNegativeTtl, this.bounds.maxTtl);
    const seconds = ttl === null ? this.bounds.minTtl : Math.min(Math.max(ttl, this.bounds.minTtl), ceiling);
    this.put(key, { negative: code }, seconds);
  }

  private put(key: string, outcome: CachedOutcome, seconds: number): void {
    if (this.bounds.size <= 0 || seconds <= 0) return;
    this.entries.delete(key);
    while (this.entries.size >= this.bounds.size) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    this.entries.set(key, { outcome, expiresAt: this.now() + seconds * 1000 });
  }
}
