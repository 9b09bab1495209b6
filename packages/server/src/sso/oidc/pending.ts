import type { Kysely, Selectable } from 'kysely';
import type { DB, SsoPendingTable } from '../../store/index.js';
import { hashToken } from '../tokens.js';

/** How long a browser may take at the IdP between the redirect and the callback. */
export const PENDING_TTL_MS = 10 * 60_000;

export type PendingLogin = Omit<Selectable<SsoPendingTable>, 'state_hash' | 'binding_hash'>;

/**
 * SSO sign-ins in flight, in the database so the callback may reach any
 * node. Keyed by a hash of `state`; single use: taking one deletes it in the
 * same statement, so a replayed callback finds nothing.
 */
export function createPendingLogins(db: Kysely<DB>, now: () => number) {
  return {
    async put(state: string, binding: string, login: Omit<PendingLogin, 'created_at' | 'expires_at'>) {
      const t = now();
      await db
        .insertInto('sso_pending')
        .values({
          ...login,
          state_hash: hashToken(state),
          binding_hash: hashToken(binding),
          created_at: t,
          expires_at: t + PENDING_TTL_MS,
        })
        .execute();
    },

    /**
     * The pending sign-in `state` names, if it is unexpired and was started by
     * the browser holding `binding`. Deleted either way: a state is tried once.
     */
    async take(
      state: string,
      binding: string | undefined,
    ): Promise<PendingLogin | 'unknown' | 'expired' | 'other_browser'> {
      const row = await db
        .deleteFrom('sso_pending')
        .where('state_hash', '=', hashToken(state))
        .returningAll()
        .executeTakeFirst();
      if (!row) return 'unknown';
      if (Number(row.expires_at) <= now()) return 'expired';
      if (binding === undefined || hashToken(binding) !== row.binding_hash) return 'other_browser';
      const { state_hash: _s, binding_hash: _b, ...login } = row;
      return login;
    },

    async sweep() {
      await db.deleteFrom('sso_pending').where('expires_at', '<=', now()).execute();
    },
  };
}

export type PendingLogins = ReturnType<typeof createPendingLogins>;
