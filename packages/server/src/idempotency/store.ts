import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { AppError } from '../shared/index.js';
import type { DB } from '../store/index.js';

/** How long an outcome is kept: a client retrying a day later gets a new send. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * A claim this old that never finished belonged to a process that died mid-request; the next
 * request with the key takes it over. No send takes this long (a 100 MB message takes seconds).
 */
export const STALE_CLAIM_MS = 10 * 60 * 1000;

/** What `begin` found: the key is now this request's, or an earlier request with it succeeded. */
export type Claim = { state: 'claimed' } | { state: 'done'; status: number; body: unknown };

/**
 * Outcomes of requests sent with an `Idempotency-Key` (draft-ietf-httpapi-idempotency-key-header),
 * per caller: only successes are kept, since a failed send delivered nothing and may simply be
 * sent again.
 */
export interface IdempotencyStore {
  /**
   * Claims `key` for a request, or returns the outcome of the earlier one. Throws
   * IDEMPOTENCY_KEY_IN_USE (409) while another request with the key runs, and
   * IDEMPOTENCY_KEY_REUSED (422) when the key came with a different request.
   */
  begin(owner: string, key: string, fingerprint: string): Promise<Claim>;
  /** Records the successful outcome of a claimed request. */
  complete(owner: string, key: string, status: number, body: unknown): Promise<void>;
  /** Gives a claim up: the request failed and changed nothing. */
  release(owner: string, key: string): Promise<void>;
  /** Deletes outcomes past their day; returns how many. */
  sweep(now?: number): Promise<number>;
}

/** The request a key was first used with: method, path and body. */
export function fingerprintOf(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${path}\n${JSON.stringify(body ?? null)}`)
    .digest('hex');
}

export function createIdempotencyStore(db: Kysely<DB>): IdempotencyStore {
  const row = (owner: string, key: string) =>
    db.selectFrom('idempotency_keys').selectAll().where('owner', '=', owner).where('key', '=', key);

  async function claim(owner: string, key: string, fingerprint: string, now: number): Promise<boolean> {
    const res = await db
      .insertInto('idempotency_keys')
      .values({ owner, key, fingerprint, status: null, response: null, created_at: now })
      .onConflict((oc) => oc.columns(['owner', 'key']).doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  return {
    async begin(owner, key, fingerprint) {
      const now = Date.now();
      // An outcome past its day is gone, whether or not the sweep has run.
      await db
        .deleteFrom('idempotency_keys')
        .where('owner', '=', owner)
        .where('key', '=', key)
        .where('created_at', '<', now - IDEMPOTENCY_TTL_MS)
        .execute();
      if (await claim(owner, key, fingerprint, now)) return { state: 'claimed' };
      const found = await row(owner, key).executeTakeFirst();
      // Released in between: try once more.
      if (!found) {
        if (await claim(owner, key, fingerprint, now)) return { state: 'claimed' };
        throw new AppError('IDEMPOTENCY_KEY_IN_USE');
      }
      if (found.fingerprint !== fingerprint)
        throw new AppError(
          'IDEMPOTENCY_KEY_REUSED',
          'this Idempotency-Key was used with a different request; use a new key for a new request',
        );
      if (found.status !== null)
        return { state: 'done', status: Number(found.status), body: JSON.parse(found.response ?? 'null') };
      if (Number(found.created_at) < now - STALE_CLAIM_MS) {
        const taken = await db
          .updateTable('idempotency_keys')
          .set({ created_at: now })
          .where('owner', '=', owner)
          .where('key', '=', key)
          .where('status', 'is', null)
          .where('created_at', '=', found.created_at)
          .executeTakeFirst();
        if (Number(taken.numUpdatedRows) === 1) return { state: 'claimed' };
      }
      throw new AppError('IDEMPOTENCY_KEY_IN_USE');
    },
    async complete(owner, key, status, body) {
      await db
        .updateTable('idempotency_keys')
        .set({ status, response: JSON.stringify(body) })
        .where('owner', '=', owner)
        .where('key', '=', key)
        .execute();
    },
    async release(owner, key) {
      await db
        .deleteFrom('idempotency_keys')
        .where('owner', '=', owner)
        .where('key', '=', key)
        .where('status', 'is', null)
        .execute();
    },
    async sweep(now = Date.now()) {
      const res = await db
        .deleteFrom('idempotency_keys')
        .where('created_at', '<', now - IDEMPOTENCY_TTL_MS)
        .executeTakeFirst();
      return Number(res.numDeletedRows);
    },
  };
}
