import type { TokenCounts } from './bayes.js';
import type { CountChanges, SpamTokenStore, TokenRow } from './token-store.js';

/**
 * An in-memory copy of one scope's token counts (the global model), so that
 * classifying a message costs no SQL at all: the store stays the source of
 * truth, the copy follows it.
 *
 * - Loaded whole on first use, page by page in token order (a big model is
 *   never one result set in memory).
 * - Learns and unlearns made through this process are applied to the copy as
 *   soon as they commit (write-through). One that commits while a refresh is
 *   reading may be counted twice for a moment; the next refresh, which looks
 *   back over it, sets the absolute counts again.
 * - Every `refreshMs` at most, the next lookup first re-reads the rows whose
 *   `at` is at or after the previous refresh's start minus `overlapMs`, and
 *   the totals: rows hold absolute counts, so reading one twice is harmless,
 *   and a learn committed on another node is seen within `refreshMs` —
 *   provided the nodes' clocks and a learn's transaction stay within
 *   `overlapMs` of each other (the writer stamps `at` with its own clock).
 *
 * Counts are packed in one number per token (spam · 2^26 + ham): a V8 Map
 * entry with a number value costs far less than one with an object.
 */
export interface TokenCountCache {
  /** The scope's totals and the counts of those of `ids` it holds, after a refresh if one is due. */
  lookup(ids: readonly number[]): Promise<{ totals: TokenCounts; counts: Map<number, TokenCounts> }>;
  /** Applies what a committed learn or unlearn in this scope did. */
  apply(changes: CountChanges): void;
  /** Tokens held (for tests and metrics). */
  readonly size: number;
}

export interface TokenCountCacheOptions {
  store: SpamTokenStore;
  scope: string;
  /** Totals of the scope, from the store. */
  totals(): Promise<TokenCounts>;
  refreshMs: number;
  /** How far back each refresh looks before the previous one started (default 60 s). */
  overlapMs?: number;
  now?: () => number;
}

const SHIFT = 2 ** 26;
const MAX_COUNT = SHIFT - 1;
/** Rows per page when loading the whole scope. */
const PAGE = 20_000;

const pack = (spam: number, ham: number) =>
  Math.min(Math.max(spam, 0), MAX_COUNT) * SHIFT + Math.min(Math.max(ham, 0), MAX_COUNT);

export function createTokenCountCache(options: TokenCountCacheOptions): TokenCountCache {
  const { store, scope, refreshMs } = options;
  const overlapMs = options.overlapMs ?? 60_000;
  const now = options.now ?? Date.now;
  const counts = new Map<number, number>();
  let totals: TokenCounts = { spam: 0, ham: 0 };
  let lastStart = Number.NEGATIVE_INFINITY;
  let loaded = false;
  let pending: Promise<void> | null = null;

  const set = (r: TokenRow) => {
    if (r.spam <= 0 && r.ham <= 0) counts.delete(r.token);
    else counts.set(r.token, pack(r.spam, r.ham));
  };

  async function loadAll(): Promise<void> {
    counts.clear();
    for (let after = Number.MIN_SAFE_INTEGER; ; ) {
      const rows = await store.page(scope, after, PAGE);
      for (const r of rows) set(r);
      if (rows.length < PAGE) break;
      after = (rows[rows.length - 1] as TokenRow).token;
    }
    loaded = true;
  }

  async function refresh(): Promise<void> {
    const start = now();
    if (!loaded) await loadAll();
    else for (const r of await store.changedSince(scope, lastStart - overlapMs)) set(r);
    totals = await options.totals();
    lastStart = start;
  }

  /** One refresh at a time: lookups that find one running wait for it. */
  function fresh(): Promise<void> {
    if (pending) return pending;
    if (loaded && now() - lastStart < refreshMs) return Promise.resolve();
    pending = refresh().finally(() => {
      pending = null;
    });
    return pending;
  }

  return {
    async lookup(ids) {
      await fresh();
      const out = new Map<number, TokenCounts>();
      for (const id of ids) {
        const packed = counts.get(id);
        if (packed !== undefined) out.set(id, { spam: Math.floor(packed / SHIFT), ham: packed % SHIFT });
      }
      return { totals, counts: out };
    },
    apply(changes) {
      // Not loaded yet: the load will read these rows from the store anyway.
      if (!loaded) return;
      for (const [token, d] of changes.tokens) {
        const packed = counts.get(token) ?? 0;
        set({ token, spam: Math.floor(packed / SHIFT) + d.spam, ham: (packed % SHIFT) + d.ham });
      }
      totals = {
        spam: Math.max(totals.spam + changes.total.spam, 0),
        ham: Math.max(totals.ham + changes.total.ham, 0),
      };
    },
    get size() {
      return counts.size;
    },
  };
}
