import type { Selectable } from 'kysely';
import type { SessionsTable } from '../../store/index.js';

/** A session row with its user's address, as the registry reads it. */
export type SessionRow = Selectable<SessionsTable> & { user_address: string };

/** Longest life of a session kept in memory: the disk is meant to get room again soon. */
export const FALLBACK_MAX_MS = 60 * 60_000;
/** Most sessions kept in memory at once; past this, sign-in answers 507 as before. */
const FALLBACK_MAX_SESSIONS = 10_000;

/**
 * What the session registry keeps in this process's memory while the
 * database cannot be written (a full disk, SQLITE_FULL / PostgreSQL 53100),
 * so that signing in and reading mail go on:
 *
 * - sessions whose row could not be inserted, valid on this node only and
 *   for at most {@link FALLBACK_MAX_MS}; each is written to the database at
 *   its next use once that works again, and lives on there;
 * - sessions ended (sign-out, replaced at sign-in) whose row could not be
 *   deleted: refused on this node until they would have expired.
 *
 * Everything here is lost with the process: a restart signs these users out.
 */
export interface SessionFallback {
  /** Keeps `row` with its expiry cut to {@link FALLBACK_MAX_MS}; null when already holding the most. */
  keep(row: SessionRow): SessionRow | null;
  byTokenHash(hash: string): SessionRow | undefined;
  byId(id: string): SessionRow | undefined;
  forUser(userId: string): SessionRow[];
  /** Removes the kept rows `match` selects and returns them. */
  take(match: (row: SessionRow) => boolean): SessionRow[];
  /** Remembers sessions of the database as ended, until `until` (epoch ms). */
  markEnded(ids: readonly string[], until: number): void;
  isEnded(id: string): boolean;
  /** Forgets what expired by `now`. */
  sweep(now: number): void;
}

export function createSessionFallback(): SessionFallback {
  const kept = new Map<string, SessionRow>(); // by token hash
  const ended = new Map<string, number>(); // session id → when it would have expired
  return {
    keep(row) {
      if (kept.size >= FALLBACK_MAX_SESSIONS) return null;
      const expires = Math.min(Number(row.expires_at), Number(row.created_at) + FALLBACK_MAX_MS);
      const short = {
        ...row,
        expires_at: expires,
        idle_expires_at: Math.min(Number(row.idle_expires_at), expires),
      };
      kept.set(row.token_hash, short);
      return short;
    },
    byTokenHash: (hash) => kept.get(hash),
    byId: (id) => [...kept.values()].find((r) => r.id === id),
    forUser: (userId) => [...kept.values()].filter((r) => r.user_id === userId),
    take(match) {
      const taken = [...kept.values()].filter(match);
      for (const r of taken) kept.delete(r.token_hash);
      return taken;
    },
    markEnded(ids, until) {
      for (const id of ids) ended.set(id, until);
    },
    isEnded: (id) => ended.has(id),
    sweep(now) {
      for (const [hash, r] of kept) if (Number(r.idle_expires_at) <= now) kept.delete(hash);
      for (const [id, until] of ended) if (until <= now) ended.delete(id);
    },
  };
}
